using System.Net;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Hosting;

namespace Serverless.Shop.IntegrationTests.Analytics.Reports;

/// <summary>
/// The daily report end to end on the local shop: switched on through the API, the timer mails yesterday's report to
/// the local mailbox once, with its charts inline and its attachment, and archives it.
/// </summary>
[Collection(ReportShopCollection.Name)]
public sealed partial class BusinessReportDeliveryTests(ReportShopFixture fixture)
{
    private const string Recipient = "daily-report-owner@example.com";

    [Fact]
    public async Task A_switched_on_daily_report_reaches_the_mailbox_once_with_inline_charts_and_an_attachment_that_reads_back()
    {
        var on = await fixture.SetAsync("daily", new { enabled = true, recipients = new[] { Recipient }, format = "xlsx" });
        on.StatusCode.ShouldBe(HttpStatusCode.OK, await on.Content.ReadAsStringAsync());

        await fixture.Shop.RunTimerAsync("SendBusinessReports");
        await fixture.Shop.RunTimerAsync("SendBusinessReports"); // a second run in the same period sends nothing more

        var subject = $"Daily report {ReportShopFixture.Yesterday}";
        var mails = new TestMailbox(fixture).Mails(Recipient, subject);
        mails.Count.ShouldBe(1);
        var message = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mails[0])));
        message.Subject.ShouldBe(subject);

        // Every image the HTML shows travels inline with that content id, and is a PNG.
        var referenced = CidReference().Matches(message.HtmlBody!).Select(m => m.Groups[1].Value).ToList();
        referenced.Count.ShouldBe(3);
        var inline = message.BodyParts.OfType<MimeKit.MimePart>().Where(p => p.ContentId is not null).ToDictionary(p => p.ContentId!);
        foreach (var cid in referenced)
        {
            inline.ShouldContainKey(cid);
            Bytes(inline[cid]).Take(8).ShouldBe(ReportFiles.PngSignature);
        }

        var attachment = message.Attachments.OfType<MimeKit.MimePart>().ShouldHaveSingleItem();
        attachment.FileName.ShouldBe("report.xlsx");
        var sheets = ReportFiles.Xlsx(Bytes(attachment));
        sheets["funnel"].Rows.Count.ShouldBe(4);

        // The local host's mailbox page lists it and shows its HTML, as for any other email.
        using var browser = fixture.Client();
        var name = Directory.GetFiles(fixture.Shop.MailboxDirectory, "*.eml").Select(Path.GetFileName)
            .Single(f => File.ReadAllText(Path.Combine(fixture.Shop.MailboxDirectory, f!)).Contains($"To: {Recipient}", StringComparison.Ordinal));
        (await browser.GetStringAsync("simulators/mailbox")).ShouldContain($"/simulators/mailbox/{name}");
        (await browser.GetStringAsync($"simulators/mailbox/{name}/html")).ShouldContain("src=\"cid:funnel.png\"");

        var archive = await fixture.Client(ShopRoles.Admin).GetAsync("api/analytics/reports/daily/archive");
        var entry = (await archive.JsonAsync()).EnumerateArray().Single(a => a.GetProperty("periodKey").GetString() == ReportShopFixture.Yesterday);
        entry.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ShouldContain("report.xlsx");
    }

    private static byte[] Bytes(MimeKit.MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }

    [GeneratedRegex("src=\"cid:([^\"]+)\"")]
    private static partial Regex CidReference();
}
