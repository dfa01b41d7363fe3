using System.Net;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Flows;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>
/// The flows API over HTTP (docs/marketing.md#automated-flows): marketers list, read and set flows up with ETags; bad
/// settings are problems naming the field, and nothing of them is saved; only marketers and admins get in. The rules
/// in depth: ManageFlowsTests. Other classes on this shop switch the abandoned-cart flow on, so every change here puts
/// it back as it found it.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class FlowApiTests(LocalShopFixture fixture)
{
    private const string Flow = RemindAbandonedCarts.FlowId;
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    [Fact]
    public async Task Marketers_list_the_flows_with_what_each_may_be_set_to()
    {
        using var response = await _marketer.GetAsync("api/marketing/flows");
        var body = await response.JsonAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        var abandoned = body.EnumerateArray().Single(f => f.GetProperty("flowId").GetString() == Flow);
        abandoned.GetProperty("name").GetString().ShouldBe("Abandoned cart");
        var limits = abandoned.GetProperty("limits");
        limits.GetProperty("maxSteps").GetInt32().ShouldBe(2);
        limits.GetProperty("messageEditable").GetBoolean().ShouldBeFalse();
        limits.GetProperty("usesSegments").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_marketer_changes_the_delays_with_the_etag_and_a_stale_or_missing_etag_is_refused()
    {
        using var read = await _marketer.GetAsync($"api/marketing/flows/{Flow}");
        var before = await read.JsonAsync();
        read.StatusCode.ShouldBe(HttpStatusCode.OK, before.ToString());
        var etag = read.Headers.ETag!.Tag;
        var enabled = before.GetProperty("enabled").GetBoolean();
        var delays = before.GetProperty("steps").EnumerateArray().Select(s => new { delayHours = s.GetProperty("delayHours").GetDouble() }).ToArray();

        using var changed = await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled, steps = new[] { new { delayHours = 2.5 } } }, etag);
        var body = await changed.JsonAsync();
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("delayHours").GetDouble()).ShouldBe([2.5]);
        body.GetProperty("updatedBy").GetString().ShouldNotBeNullOrEmpty();
        var newEtag = changed.Headers.ETag!.Tag;
        newEtag.ShouldNotBe(etag);

        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled }, etag), HttpStatusCode.PreconditionFailed);
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled }, null), HttpStatusCode.PreconditionRequired);

        using var restored = await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled, steps = delays }, newEtag);
        restored.StatusCode.ShouldBe(HttpStatusCode.OK, await restored.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_settings_are_problems_naming_the_field_and_change_nothing()
    {
        using var read = await _marketer.GetAsync($"api/marketing/flows/{Flow}");
        var before = (await read.JsonAsync()).ToString();
        var etag = read.Headers.ETag!.Tag;

        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { steps = new[] { new { delayHours = 1 } } }, etag), HttpStatusCode.BadRequest, "enabled");
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled = true, steps = new[] { new { delayHours = 0.001 } } }, etag),
            HttpStatusCode.BadRequest, "steps[0].delayHours");
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled = true, steps = new[] { new { delayHours = 5 }, new { delayHours = 3 } } }, etag),
            HttpStatusCode.BadRequest, "steps[1].delayHours");
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled = true, steps = new[] { 1, 2, 3 }.Select(h => new { delayHours = h }) }, etag),
            HttpStatusCode.BadRequest, "steps");
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}",
            new { enabled = true, steps = new[] { new { delayHours = 1.0, message = new { content = new { subject = "Hi", html = "<p>Hi</p>", text = "Hi" } } } } }, etag),
            HttpStatusCode.BadRequest, "steps[0].message");
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled = true, segments = new[] { "lapsed" } }, etag), HttpStatusCode.BadRequest, "segments");
        await ShouldBeProblem(await _marketer.SendRawAsync(HttpMethod.Put, $"api/marketing/flows/{Flow}", "{ \"enabled\": "), HttpStatusCode.BadRequest);
        await ShouldBeProblem(await _marketer.PutJsonAsync("api/marketing/flows/flow-nope", new { enabled = true }, null), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _marketer.GetAsync("api/marketing/flows/flow-nope/results"), HttpStatusCode.NotFound);

        using var after = await _marketer.GetAsync($"api/marketing/flows/{Flow}");
        (await after.JsonAsync()).ToString().ShouldBe(before);
        after.Headers.ETag!.Tag.ShouldBe(etag);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ShopRoles.Merchandiser, HttpStatusCode.Forbidden)]
    [InlineData(ShopRoles.Customer, HttpStatusCode.Forbidden)]
    public async Task Only_marketers_and_admins_see_or_set_flows(string? role, HttpStatusCode status)
    {
        var client = fixture.Client(role);

        await ShouldBeProblem(await client.GetAsync("api/marketing/flows"), status);
        await ShouldBeProblem(await client.PutJsonAsync($"api/marketing/flows/{Flow}", new { enabled = false }, null), status);
        await ShouldBeProblem(await client.GetAsync($"api/marketing/flows/{Flow}/results"), status);
    }
}
