using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MimeKit;
using MimeKit.Utils;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>
/// The local mailbox as pages: the emails the shop wrote to the mailbox folder (what SendGrid would have delivered),
/// newest first, and each one rendered with its headers. A marketing email's List-Unsubscribe one-click button posts
/// what a mail client posts (RFC 8058). Mapped by the local host only. Tests: LocalMailboxPageTests.
/// </summary>
internal static partial class LocalMailboxEndpoints
{
    public const string PagePath = "simulators/mailbox";
    public const int ListedEmails = 200;

    // The local mailbox names its files itself (LocalMailboxEmailSender): anything else, a path above all, is not one.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.eml$")]
    private static partial Regex FileName();

    public static IEndpointRouteBuilder MapLocalMailbox(this IEndpointRouteBuilder app, string folder)
    {
        app.MapGet($"/{PagePath}", () => SimulatorPage.Html(StatusCodes.Status200OK, "Local mailbox", List(folder), Style, Footer)).ExcludeFromDescription();

        app.MapGet($"/{PagePath}/{{name}}", async (string name, CancellationToken ct) =>
            await LoadAsync(folder, name, ct) is { } email
                ? SimulatorPage.Html(StatusCodes.Status200OK, email.Subject ?? "(no subject)", Message(name, email), Style, Footer)
                : NotFound()).ExcludeFromDescription();

        // The HTML part on its own, for the message page's frame. The sandbox runs no script from the email and keeps it
        // away from this origin, as a webmail client would, while its links and forms (unsubscribe) still work.
        app.MapGet($"/{PagePath}/{{name}}/html", async (string name, HttpContext http, CancellationToken ct) =>
        {
            if (await LoadAsync(folder, name, ct) is not { HtmlBody: { } html }) return NotFound();
            http.Response.Headers.ContentSecurityPolicy = "sandbox allow-forms allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation";
            return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8);
        }).ExcludeFromDescription();
        return app;
    }

    private static IResult NotFound() =>
        SimulatorPage.Html(StatusCodes.Status404NotFound, "No such email", $"<p>The mailbox has no email by that name. <a href=\"/{PagePath}\">All emails</a>.</p>");

    private static async Task<MimeMessage?> LoadAsync(string folder, string name, CancellationToken ct)
    {
        if (!FileName().IsMatch(name)) return null;
        var path = Path.Combine(folder, name);
        if (!File.Exists(path)) return null;
        return await MimeMessage.LoadAsync(path, ct);
    }

    private static string List(string folder)
    {
        var files = Directory.Exists(folder)
            ? new DirectoryInfo(folder).GetFiles("*.eml").OrderByDescending(f => f.Name, StringComparer.Ordinal).Take(ListedEmails).ToList()
            : [];
        if (files.Count == 0) return $"<p>No emails yet. The shop writes every email it sends to <code>{Encode(folder)}</code>.</p>";

        var rows = new StringBuilder();
        foreach (var file in files)
        {
            var headers = HeaderList.Load(file.FullName);
            rows.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(DateOf(headers))}</td><td>{Encode(Decoded(headers, HeaderId.To))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><a href=\"/{PagePath}/{Uri.EscapeDataString(file.Name)}\">{Encode(Decoded(headers, HeaderId.Subject))}</a></td></tr>\n");
        }
        return $"<p>Newest first{(files.Count == ListedEmails ? $", the latest {ListedEmails}" : "")}. The files are in <code>{Encode(folder)}</code>.</p>\n"
            + $"<table>\n<tr><th>Sent</th><th>To</th><th>Subject</th></tr>\n{rows}</table>";
    }

    private static string Message(string name, MimeMessage email)
    {
        var headers = new StringBuilder("<table>\n");
        foreach (var header in new[] { "From", "To", "Date", "List-Unsubscribe", "List-Unsubscribe-Post" })
        {
            if (email.Headers[header] is { } value) headers.Append(CultureInfo.InvariantCulture, $"<tr><th>{header}</th><td>{Encode(value)}</td></tr>\n");
        }
        headers.Append("</table>\n");

        var body = email.HtmlBody is not null
            ? $"<iframe title=\"The email\" src=\"/{PagePath}/{Uri.EscapeDataString(name)}/html\" sandbox=\"allow-forms allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation\"></iframe>"
            : $"<pre>{Encode(email.TextBody ?? "")}</pre>";
        var text = email.HtmlBody is not null && email.TextBody is not null ? $"<details><summary>Text version</summary><pre>{Encode(email.TextBody)}</pre></details>" : "";
        return headers + OneClickUnsubscribe(email) + body + text + $"<p><a href=\"/{PagePath}\">All emails</a></p>";
    }

    /// <summary>What a mail client shows for RFC 8058: a button that POSTs List-Unsubscribe=One-Click to the https (here http) link.</summary>
    private static string OneClickUnsubscribe(MimeMessage email)
    {
        if (email.Headers["List-Unsubscribe-Post"]?.Trim() != "List-Unsubscribe=One-Click") return "";
        var link = ListUnsubscribeLinks(email.Headers["List-Unsubscribe"] ?? "").FirstOrDefault(l => l.Scheme is "https" or "http");
        if (link is null) return "";
        return $"<form method=\"post\" action=\"{Encode(link.AbsoluteUri)}\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
            + "<button>Unsubscribe (one click, as a mail client does it)</button></form>\n";
    }

    /// <summary>The links in a List-Unsubscribe header (RFC 2369: angle-bracketed, comma-separated).</summary>
    internal static IEnumerable<Uri> ListUnsubscribeLinks(string header) =>
        header.Split(',').Select(p => p.Trim()).Where(p => p.StartsWith('<') && p.EndsWith('>'))
            .Select(p => Uri.TryCreate(p[1..^1], UriKind.Absolute, out var uri) ? uri : null).OfType<Uri>();

    private static string Decoded(HeaderList headers, HeaderId id) => headers[id] is { } raw ? raw : "";

    private static string DateOf(HeaderList headers) =>
        DateUtils.TryParse(headers[HeaderId.Date] ?? "", out var date) ? date.UtcDateTime.ToString("u", CultureInfo.InvariantCulture) : "";

    private static string Encode(string text) => SimulatorPage.Encode(text);

    private const string Style = "body{max-width:60rem} td,th{text-align:left;padding:.2rem .6rem;vertical-align:top} iframe{width:100%;height:40rem;border:1px solid #ccc}";
    private const string Footer = "A local stand-in for the recipients' inboxes: SendGrid delivers these in Azure; here nothing leaves the machine.";
}
