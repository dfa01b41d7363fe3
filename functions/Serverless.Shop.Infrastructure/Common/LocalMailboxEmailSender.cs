using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// The local stand-in for SendGrid: each email becomes an .eml file (RFC 5322 headers and a MIME body) in a folder,
/// which any mail client or text editor opens. Nothing leaves the machine.
/// </summary>
public sealed class LocalMailboxEmailSender(string folder, string from, TimeProvider clock, ILogger<LocalMailboxEmailSender> logger) : IEmailSender
{
    public const string DefaultFolder = ".local/mailbox";

    /// <summary>One small file written to the local disk.</summary>
    public TimeSpan LongestSend => TimeSpan.FromSeconds(5);

    public string Folder { get; } = Path.GetFullPath(folder);

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        if (message.To.Count == 0) throw new ArgumentException("An email needs at least one recipient.", nameof(message));
        Directory.CreateDirectory(Folder);
        var now = clock.GetUtcNow();
        var id = Guid.NewGuid().ToString("N");
        // Sortable by time, recognisable by subject, unique by id.
        var path = Path.Combine(Folder, $"{now:yyyyMMdd-HHmmss-fff}-{Slug(message.Subject)}-{id[..8]}.eml");

        await File.WriteAllTextAsync(path, Compose(message, now, id), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), ct);
        logger.LogInformation("Email \"{Subject}\" to {Recipients} written to {Path}.", message.Subject, string.Join(", ", message.To), path);
    }

    // 8bit UTF-8 bodies rather than quoted-printable or base64: the file stays readable in an editor, and mail clients
    // open 8bit without complaint. Lines are CRLF, as RFC 5322 requires.
    private string Compose(EmailMessage message, DateTimeOffset now, string id)
    {
        var eml = new StringBuilder();
        void Header(string name, string value) => eml.Append(name).Append(": ").Append(value).Append("\r\n");

        Header("From", OneLine(from));
        Header("To", string.Join(", ", message.To.Select(OneLine)));
        Header("Subject", EncodeWord(OneLine(message.Subject)));
        Header("Date", now.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture));
        Header("Message-ID", $"<{id}@local-mailbox.serverless.shop>");
        Header("MIME-Version", "1.0");
        Header("X-Shop-Mailbox", "local (not sent)");
        foreach (var (name, value) in message.Headers) Header(HeaderName(name), EncodeWord(OneLine(value)));
        foreach (var (name, value) in message.CustomArgs) Header(CustomArgHeader(name), EncodeWord(OneLine(value)));

        if (message.Attachments.Count > 0)
        {
            WithAttachments(eml, message, id);
            return eml.ToString();
        }

        if (message.HtmlBody is null)
        {
            Header("Content-Type", "text/plain; charset=utf-8");
            Header("Content-Transfer-Encoding", "8bit");
            eml.Append("\r\n").Append(Crlf(message.TextBody)).Append("\r\n");
            return eml.ToString();
        }

        Header("Content-Type", $"multipart/alternative; boundary=\"=_alt_{id}\"");
        eml.Append("\r\n");
        Alternatives(eml, message, $"=_alt_{id}");
        return eml.ToString();
    }

    // The text (and HTML) bodies as the parts of a multipart/alternative whose header is already written.
    private static void Alternatives(StringBuilder eml, EmailMessage message, string boundary)
    {
        void Part(string type, string body)
        {
            eml.Append("--").Append(boundary).Append("\r\n");
            eml.Append("Content-Type: ").Append(type).Append("; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n");
            eml.Append("\r\n").Append(Crlf(body)).Append("\r\n");
        }
        Part("text/plain", message.TextBody);
        if (message.HtmlBody is not null) Part("text/html", message.HtmlBody);
        eml.Append("--").Append(boundary).Append("--\r\n");
    }

    // multipart/mixed: first the bodies (in a multipart/related with the inline images when there are any, so the HTML's
    // cid: references resolve), then each attachment. Files are base64 in lines of 76 characters (RFC 2045).
    private static void WithAttachments(StringBuilder eml, EmailMessage message, string id)
    {
        string mixed = $"=_mixed_{id}", related = $"=_related_{id}", alternative = $"=_alt_{id}";
        var inline = message.Attachments.Where(a => a.ContentId is not null).ToList();
        eml.Append("Content-Type: multipart/mixed; boundary=\"").Append(mixed).Append("\"\r\n\r\n");
        eml.Append("--").Append(mixed).Append("\r\n");
        if (inline.Count > 0)
        {
            eml.Append("Content-Type: multipart/related; type=\"multipart/alternative\"; boundary=\"").Append(related).Append("\"\r\n\r\n");
            eml.Append("--").Append(related).Append("\r\n");
        }
        eml.Append("Content-Type: multipart/alternative; boundary=\"").Append(alternative).Append("\"\r\n\r\n");
        Alternatives(eml, message, alternative);
        if (inline.Count > 0)
        {
            foreach (var image in inline) AppendFile(eml, related, image, inline: true);
            eml.Append("--").Append(related).Append("--\r\n");
        }
        foreach (var attachment in message.Attachments.Where(a => a.ContentId is null)) AppendFile(eml, mixed, attachment, inline: false);
        eml.Append("--").Append(mixed).Append("--\r\n");
    }

    private static void AppendFile(StringBuilder eml, string boundary, EmailAttachment file, bool inline)
    {
        var name = FileName(file.FileName);
        eml.Append("--").Append(boundary).Append("\r\n");
        eml.Append("Content-Type: ").Append(OneLine(file.ContentType)).Append("; name=\"").Append(name).Append("\"\r\n");
        eml.Append("Content-Transfer-Encoding: base64\r\n");
        eml.Append("Content-Disposition: ").Append(inline ? "inline" : "attachment").Append("; filename=\"").Append(name).Append("\"\r\n");
        if (inline) eml.Append("Content-ID: <").Append(FileName(file.ContentId!)).Append(">\r\n");
        eml.Append("\r\n").Append(Convert.ToBase64String(file.Content, Base64FormattingOptions.InsertLineBreaks)).Append("\r\n");
    }

    // A file name or content id inside a quoted header parameter: no quotes, no line breaks, no angle brackets.
    private static string FileName(string name) =>
        new(OneLine(name).Where(c => c is not ('"' or '<' or '>' or '\\') && c >= ' ' && c < (char)127).ToArray());

    // A line break in a header value would start a new header (header injection): values are kept on one line.
    private static string OneLine(string value) => value.Replace("\r", " ").Replace("\n", " ");

    /// <summary>Where a custom arg SendGrid would carry is kept in the file: campaign_id as X-Campaign-Id, recipient_key as X-Recipient-Key.</summary>
    public static string CustomArgHeader(string name) =>
        "X-" + string.Join('-', name.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    // A header name is printable ASCII without a colon (RFC 5322); anything else would break the file's header block.
    private static string HeaderName(string name) =>
        name.Length > 0 && name.All(c => c is > ' ' and < (char)127 and not ':') ? name : throw new ArgumentException($"'{name}' is not a header name.", nameof(name));

    // Headers are ASCII; anything else goes in an RFC 2047 encoded word.
    private static string EncodeWord(string value) =>
        value.All(char.IsAscii) ? value : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";

    private static string Crlf(string text) => text.Replace("\r\n", "\n").Replace("\r", "\n").Replace("\n", "\r\n");

    private static string Slug(string subject)
    {
        var slug = new string(subject.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        while (slug.Contains("--", StringComparison.Ordinal)) slug = slug.Replace("--", "-", StringComparison.Ordinal);
        slug = slug.Trim('-');
        return slug.Length == 0 ? "email" : slug[..Math.Min(slug.Length, 50)].TrimEnd('-');
    }
}
