using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

/// <summary>
/// SendGrid's Event Webhook over HTTP. The payloads follow SendGrid's documented event examples (docs "Event Webhook
/// Reference": processed, delivered, open, click, bounce, dropped, spamreport, unsubscribe, group_unsubscribe), with the
/// shop's custom args at the top level as SendGrid echoes them, signed as SendGrid signs them with a key pair of the test.
/// </summary>
[Collection(MarketingShopCollection.Name)]
public sealed class SendGridEventWebhookTests(MarketingShopFixture fixture)
{
    private readonly HttpClient _sendGrid = fixture.Client();

    private T Service<T>() where T : notnull => fixture.Shop.Services.GetRequiredService<T>();

    private static string Event(string type, string email, string campaignId, string? eventId = null, string extra = "") =>
        $$"""{"email":"{{email}}","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"{{type}}","category":"cat facts","sg_event_id":"{{eventId ?? Guid.NewGuid().ToString("N")}}","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","campaign_id":"{{campaignId}}"{{extra}}}""";

    private async Task<HttpResponseMessage> PostAsync(string body, ECDsa? key = null) => await _sendGrid.SendAsync(MarketingShopFixture.Signed(key ?? fixture.EventWebhookKey, body));

    private async Task<bool> SuppressedAsync(string email, SuppressionReason reason)
    {
        var key = await Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);
        return (await Service<ISuppressionList>().FindAsync(key, default))?.Reasons.Any(r => r.Reason == reason) == true;
    }

    [Fact]
    public async Task A_signed_delivery_suppresses_bounces_drops_spam_reports_and_unsubscribes_and_counts_per_campaign()
    {
        var campaign = "cmp_" + Guid.NewGuid().ToString("N");
        var (bounced, dropped, spam, unsubscribed, groupUnsubscribed, reader) =
            (MarketingShopFixture.NewEmail("bounce"), MarketingShopFixture.NewEmail("dropped"), MarketingShopFixture.NewEmail("spam"),
             MarketingShopFixture.NewEmail("unsub"), MarketingShopFixture.NewEmail("group"), MarketingShopFixture.NewEmail("reader"));
        var body = "[" + string.Join(",",
            Event("processed", reader, campaign),
            Event("delivered", reader, campaign, extra: ",\"response\":\"250 OK\""),
            Event("open", reader, campaign, extra: ",\"useragent\":\"Mozilla/4.0\",\"ip\":\"255.255.255.255\""),
            Event("click", reader, campaign, extra: ",\"url\":\"http://www.sendgrid.com/\""),
            Event("bounce", bounced, campaign, extra: ",\"reason\":\"500 unknown recipient\",\"status\":\"5.0.0\",\"type\":\"bounce\""),
            Event("dropped", dropped, campaign, extra: ",\"reason\":\"Bounced Address\",\"status\":\"5.0.0\""),
            Event("spamreport", spam, campaign),
            Event("unsubscribe", unsubscribed, campaign),
            Event("group_unsubscribe", groupUnsubscribed, campaign, extra: ",\"asm_group_id\":10")) + "]";

        var response = await PostAsync(body);
        var receipt = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, receipt.ToString());
        (receipt.GetProperty("handled").GetInt32(), receipt.GetProperty("duplicates").GetInt32(), receipt.GetProperty("ignored").GetInt32()).ShouldBe((8, 0, 1));

        (await SuppressedAsync(bounced, SuppressionReason.Bounce)).ShouldBeTrue();
        (await SuppressedAsync(dropped, SuppressionReason.Dropped)).ShouldBeTrue();
        (await SuppressedAsync(spam, SuppressionReason.SpamReport)).ShouldBeTrue();
        (await SuppressedAsync(unsubscribed, SuppressionReason.Unsubscribe)).ShouldBeTrue();
        (await SuppressedAsync(groupUnsubscribed, SuppressionReason.Unsubscribe)).ShouldBeTrue();
        (await Service<ISuppressionList>().FindAsync(await Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, reader, default), default)).ShouldBeNull();
        (await Service<IEmailEngagementReader>().ReadAsync(campaign, default)).ShouldBe(new EmailEngagement(Delivered: 1, Opened: 1, Clicked: 1, Bounced: 1, Unsubscribed: 2, SpamReports: 1));
    }

    [Fact]
    public async Task A_replayed_delivery_is_acknowledged_and_counts_nothing_twice()
    {
        var campaign = "cmp_" + Guid.NewGuid().ToString("N");
        var body = "[" + Event("open", MarketingShopFixture.NewEmail("reader"), campaign) + "," + Event("bounce", MarketingShopFixture.NewEmail("bounce"), campaign) + "]";
        (await PostAsync(body)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var replay = await PostAsync(body);
        var receipt = await replay.JsonAsync();
        replay.StatusCode.ShouldBe(HttpStatusCode.OK);
        (receipt.GetProperty("handled").GetInt32(), receipt.GetProperty("duplicates").GetInt32()).ShouldBe((0, 2));
        (await Service<IEmailEngagementReader>().ReadAsync(campaign, default)).ShouldBe(new EmailEngagement(0, 1, 0, 1, 0, 0));
    }

    [Fact]
    public async Task Unsigned_badly_signed_or_altered_deliveries_are_a_401_and_change_nothing()
    {
        var campaign = "cmp_" + Guid.NewGuid().ToString("N");
        var email = MarketingShopFixture.NewEmail("bounce");
        var body = "[" + Event("bounce", email, campaign) + "]";

        var unsigned = await _sendGrid.SendRawAsync(HttpMethod.Post, "api/webhooks/email/sendgrid", body);
        await ProblemAssertions.ShouldBeProblem(unsigned, HttpStatusCode.Unauthorized);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await ProblemAssertions.ShouldBeProblem(await PostAsync(body, stranger), HttpStatusCode.Unauthorized);
        var altered = MarketingShopFixture.Signed(fixture.EventWebhookKey, body);
        altered.Content = new StringContent(body.Replace("bounce", "open", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
        await ProblemAssertions.ShouldBeProblem(await _sendGrid.SendAsync(altered), HttpStatusCode.Unauthorized);
        var otherTimestamp = MarketingShopFixture.Signed(fixture.EventWebhookKey, body);
        otherTimestamp.Headers.Remove("X-Twilio-Email-Event-Webhook-Timestamp");
        otherTimestamp.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", "1");
        await ProblemAssertions.ShouldBeProblem(await _sendGrid.SendAsync(otherTimestamp), HttpStatusCode.Unauthorized);
        // Signed, but four days ago: a captured delivery replayed after its events' ids may be forgotten.
        var old = DateTimeOffset.UtcNow.AddDays(-4).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ProblemAssertions.ShouldBeProblem(await _sendGrid.SendAsync(MarketingShopFixture.Signed(fixture.EventWebhookKey, body, old)), HttpStatusCode.Unauthorized);
        var ahead = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ProblemAssertions.ShouldBeProblem(await _sendGrid.SendAsync(MarketingShopFixture.Signed(fixture.EventWebhookKey, body, ahead)), HttpStatusCode.Unauthorized);
        var garbage = MarketingShopFixture.Signed(fixture.EventWebhookKey, body);
        garbage.Headers.Remove("X-Twilio-Email-Event-Webhook-Signature");
        garbage.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", "not base64 at all!");
        await ProblemAssertions.ShouldBeProblem(await _sendGrid.SendAsync(garbage), HttpStatusCode.Unauthorized);

        (await SuppressedAsync(email, SuppressionReason.Bounce)).ShouldBeFalse();
        (await Service<IEmailEngagementReader>().ReadAsync(campaign, default)).ShouldBe(EmailEngagement.None);
    }

    [Fact]
    public async Task Unknown_event_types_are_acknowledged_and_ignored()
    {
        var campaign = "cmp_" + Guid.NewGuid().ToString("N");
        var email = MarketingShopFixture.NewEmail("future");
        var response = await PostAsync("[" + Event("teleported", email, campaign) + "," + Event("deferred", email, campaign) + "]");
        var receipt = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (receipt.GetProperty("handled").GetInt32(), receipt.GetProperty("ignored").GetInt32()).ShouldBe((0, 2));
        (await Service<IEmailEngagementReader>().ReadAsync(campaign, default)).ShouldBe(EmailEngagement.None);
    }

    [Theory]
    [InlineData("{\"event\":\"bounce\"}")]
    [InlineData("[{\"event\":")]
    [InlineData("not json")]
    public async Task A_signed_body_that_is_not_a_list_of_events_is_a_400(string body) =>
        await ProblemAssertions.ShouldBeProblem(await PostAsync(body), HttpStatusCode.BadRequest, "body");
}
