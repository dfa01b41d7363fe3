using System.Net;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Http;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

[Collection(CampaignShopCollection.Name)]
public sealed class CampaignBadInputTests(CampaignShopFixture fixture)
{
    private static readonly string Segment = CampaignShopFixture.Segments[7];
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    private async Task<(string Id, string ETag)> DraftAsync()
    {
        var response = await _marketer.PostJsonAsync("api/campaigns", CampaignApiTests.Body(Segment));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return ((await response.JsonAsync()).GetProperty("id").GetString()!, response.Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData("<p>{{ for p in products }}</p>", "content.html")]
    [InlineData("<p>{{ prodcts }}</p>", "content.html")]
    public async Task A_template_that_does_not_parse_or_render_is_a_400_at_save_naming_its_field(string html, string field)
    {
        var body = await ShouldBeProblem(await _marketer.PostJsonAsync("api/campaigns", CampaignApiTests.Body(Segment, html: html)), HttpStatusCode.BadRequest, field);
        body.GetProperty("errors").GetProperty(field)[0].GetString()!.ShouldMatch("does not (parse|render)");
    }

    [Fact]
    public async Task A_template_that_does_not_render_is_a_400_on_update_and_the_draft_stays_as_it_was()
    {
        var (id, etag) = await DraftAsync();
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/campaigns/{id}", CampaignApiTests.Body(Segment, subject: "{{ 1 / }}"), etag), HttpStatusCode.BadRequest, "content.subject");
        (await (await _marketer.GetAsync($"api/campaigns/{id}")).JsonAsync()).GetProperty("content").GetProperty("subject").GetString().ShouldBe("Spring news");
    }

    [Fact]
    public async Task An_unknown_segment_and_an_audience_of_nobody_are_400s()
    {
        var unknown = new { name = "x", audience = new { segments = new[] { "no-such-segment" } }, content = new { subject = "s", html = "h", text = "t" } };
        await ShouldBeProblem(await _marketer.PostJsonAsync("api/campaigns", unknown), HttpStatusCode.BadRequest, "audience.segments[0]");
        var nobody = new { name = "x", audience = new { segments = Array.Empty<string>(), newsletterSubscribers = false }, content = new { subject = "s", html = "h", text = "t" } };
        await ShouldBeProblem(await _marketer.PostJsonAsync("api/campaigns", nobody), HttpStatusCode.BadRequest, "audience");
    }

    [Fact]
    public async Task Scheduling_to_an_audience_nobody_may_be_emailed_in_is_a_409_with_the_count()
    {
        // One customer of the segment who never agreed to email marketing, one who did but is on the suppression list.
        await fixture.AddCustomersAsync(TestCatalog.Unique("unconsented"), 1, CampaignShopFixture.Segments[8], emailConsent: false);
        await fixture.SuppressAsync(await fixture.AddCustomersAsync(TestCatalog.Unique("suppressed"), 1, CampaignShopFixture.Segments[8]));
        var response = await _marketer.PostJsonAsync("api/campaigns", CampaignApiTests.Body(CampaignShopFixture.Segments[8]));
        var id = (await response.JsonAsync()).GetProperty("id").GetString()!;

        var problem = await ShouldBeProblem(await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { sendAt = DateTimeOffset.UtcNow.AddHours(1) }), HttpStatusCode.Conflict, "audience");

        problem.GetProperty("detail").GetString()!.ShouldContain("holds 0 people");
        (await (await _marketer.GetAsync($"api/campaigns/{id}")).JsonAsync()).GetProperty("status").GetString().ShouldBe("draft");
    }

    [Fact]
    public async Task A_send_time_in_the_past_a_bad_cron_and_an_unknown_time_zone_are_400s_naming_the_field()
    {
        var (id, _) = await DraftAsync();
        await ShouldBeProblem(await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { sendAt = DateTimeOffset.UtcNow.AddMinutes(-5) }), HttpStatusCode.BadRequest, "sendAt");
        await ShouldBeProblem(await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { schedule = "every monday" }), HttpStatusCode.BadRequest, "schedule");
        await ShouldBeProblem(await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { schedule = "0 9 * * MON", timeZone = "Europe/Atlantis" }), HttpStatusCode.BadRequest, "timeZone");
        await ShouldBeProblem(await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { }), HttpStatusCode.BadRequest, "sendAt");
    }

    [Fact]
    public async Task A_change_without_if_match_is_428_with_a_stale_one_412_and_after_scheduling_409()
    {
        await fixture.AddCustomersAsync(TestCatalog.Unique("versions"), 1, Segment);
        var (id, etag) = await DraftAsync();
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/campaigns/{id}", CampaignApiTests.Body(Segment), null), HttpStatusCode.PreconditionRequired);
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/campaigns/{id}", CampaignApiTests.Body(Segment), "\"c3RhbGU\""), HttpStatusCode.PreconditionFailed);

        var scheduled = await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { schedule = "0 9 * * MON", timeZone = "Europe/Amsterdam" });
        scheduled.StatusCode.ShouldBe(HttpStatusCode.OK, (await scheduled.JsonAsync()).ToString());
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/campaigns/{id}", CampaignApiTests.Body(Segment), scheduled.Headers.ETag!.Tag), HttpStatusCode.Conflict, "status");
        _ = etag;
    }

    [Fact]
    public async Task An_unknown_campaign_is_404_and_a_bad_status_filter_is_400()
    {
        await ShouldBeProblem(await _marketer.GetAsync("api/campaigns/cmp_nope"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _marketer.PostAsync("api/campaigns/cmp_nope/preview", null), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _marketer.GetAsync("api/campaigns?status=1"), HttpStatusCode.BadRequest, "status");
    }

    [Fact]
    public async Task A_test_send_without_an_address_in_the_sign_in_is_a_409_and_mails_nobody()
    {
        var client = fixture.MarketerWithEmail(null);
        var response = await client.PostJsonAsync("api/campaigns", CampaignApiTests.Body(Segment));
        var id = (await response.JsonAsync()).GetProperty("id").GetString()!;

        await ShouldBeProblem(await client.PostAsync($"api/campaigns/{id}/test", null), HttpStatusCode.Conflict, "email");
        fixture.Mailbox(id + ":test").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_malformed_body_is_a_400()
    {
        await ShouldBeProblem(await _marketer.SendRawAsync(HttpMethod.Post, "api/campaigns", "{\"name\": 5"), HttpStatusCode.BadRequest);
    }
}
