using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Adapters;

public sealed class LocalMailboxEmailSenderTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "shop-mailbox-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Writes_a_readable_eml_with_the_subject_recipients_and_body()
    {
        await Sender().SendAsync(new EmailMessage(["merch@example.com", "lead@example.com"], "Low stock: Blue mug", "Only 3 left.\nReorder soon."), CancellationToken.None);

        var file = Directory.GetFiles(folder, "*.eml").ShouldHaveSingleItem();
        Path.GetFileName(file).ShouldContain("low-stock-blue-mug");
        var (headers, body) = Parse(await File.ReadAllTextAsync(file));
        headers["From"].ShouldBe("Serverless Shop <shop@example.com>");
        headers["To"].ShouldBe("merch@example.com, lead@example.com");
        headers["Subject"].ShouldBe("Low stock: Blue mug");
        headers["Date"].ShouldBe("Tue, 03 Mar 2026 09:15:00 +0000");
        headers["Content-Type"].ShouldBe("text/plain; charset=utf-8");
        headers.ShouldContainKey("Message-ID");
        body.ShouldBe("Only 3 left.\r\nReorder soon.\r\n");
    }

    [Fact]
    public async Task Writes_the_messages_headers_and_custom_args()
    {
        await Sender().SendAsync(new EmailMessage(["a@example.com"], "Your cart", "Hi")
        {
            Headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://shop.example/u?t=1>", ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" },
            CustomArgs = new Dictionary<string, string> { ["campaign_id"] = "flow-abandoned-cart" },
        }, CancellationToken.None);

        var (headers, _) = Parse(await File.ReadAllTextAsync(Directory.GetFiles(folder, "*.eml").ShouldHaveSingleItem()));
        headers["List-Unsubscribe"].ShouldBe("<https://shop.example/u?t=1>");
        headers["List-Unsubscribe-Post"].ShouldBe("List-Unsubscribe=One-Click");
        headers["X-Campaign-Id"].ShouldBe("flow-abandoned-cart");
    }

    [Fact]
    public async Task Refuses_a_header_name_that_would_break_the_header_block()
    {
        var message = new EmailMessage(["a@example.com"], "Bad", "Hi") { Headers = new Dictionary<string, string> { ["X-Evil:\r\nBcc"] = "x" } };

        await Should.ThrowAsync<ArgumentException>(() => Sender().SendAsync(message, CancellationToken.None));
        (Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : []).ShouldBeEmpty();
    }

    [Fact]
    public async Task Writes_text_and_html_as_alternatives()
    {
        await Sender().SendAsync(new EmailMessage(["a@example.com"], "Hello", "Hi there", "<p>Hi there</p>"), CancellationToken.None);

        var eml = await File.ReadAllTextAsync(Directory.GetFiles(folder, "*.eml").ShouldHaveSingleItem());
        var (headers, body) = Parse(eml);
        headers["Content-Type"].ShouldStartWith("multipart/alternative; boundary=");
        body.ShouldContain("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHi there\r\n");
        body.ShouldContain("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<p>Hi there</p>\r\n");
        body.TrimEnd().ShouldEndWith("--");
    }

    [Fact]
    public async Task Writes_inline_images_the_html_references_and_attachments_that_a_mail_parser_reads_back()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0, 255, 7], xlsx = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        await Sender().SendAsync(new EmailMessage(["a@example.com"], "Daily report", "Hi there", "<p>Hi</p><img src=\"cid:funnel.png\">")
        {
            Attachments = [new EmailAttachment("funnel.png", "image/png", png, "funnel.png"), new EmailAttachment("report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx)],
        }, CancellationToken.None);

        var file = Directory.GetFiles(folder, "*.eml").ShouldHaveSingleItem();
        var message = await MimeKit.MimeMessage.LoadAsync(file);
        message.Subject.ShouldBe("Daily report");
        message.TextBody!.Trim().ShouldBe("Hi there");
        message.HtmlBody!.ShouldContain("cid:funnel.png");
        var related = message.BodyParts.OfType<MimeKit.MimePart>().Single(p => p.ContentId == "funnel.png");
        related.ContentType.MimeType.ShouldBe("image/png");
        Bytes(related).ShouldBe(png);
        var attachment = message.Attachments.OfType<MimeKit.MimePart>().ShouldHaveSingleItem();
        attachment.FileName.ShouldBe("report.xlsx");
        Bytes(attachment).ShouldBe(xlsx);
    }

    private static byte[] Bytes(MimeKit.MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task Encodes_a_non_ascii_subject_and_keeps_line_breaks_out_of_headers()
    {
        await Sender().SendAsync(new EmailMessage(["a@example.com"], "Café crème\r\nBcc: victim@example.com", "x"), CancellationToken.None);

        var (headers, _) = Parse(await File.ReadAllTextAsync(Directory.GetFiles(folder, "*.eml").ShouldHaveSingleItem()));
        headers.ShouldNotContainKey("Bcc");
        var subject = headers["Subject"];
        subject.ShouldStartWith("=?utf-8?B?");
        Encoding.UTF8.GetString(Convert.FromBase64String(subject["=?utf-8?B?".Length..^2])).ShouldBe("Café crème  Bcc: victim@example.com");
    }

    private LocalMailboxEmailSender Sender() => new(
        folder, "Serverless Shop <shop@example.com>", new FixedClock(new DateTimeOffset(2026, 3, 3, 9, 15, 0, TimeSpan.Zero)), NullLogger<LocalMailboxEmailSender>.Instance);

    private static (Dictionary<string, string> Headers, string Body) Parse(string eml)
    {
        var split = eml.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        split.ShouldBeGreaterThan(0, "an .eml separates headers from the body with an empty line");
        var headers = eml[..split].Split("\r\n").Select(line => line.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        return (headers, eml[(split + 4)..]);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
