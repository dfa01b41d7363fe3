using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Infrastructure.Analytics.Clickstream;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Analytics.Clickstream;

/// <summary>POST /api/analytics/events over HTTP through the local shop, to the capture files on Azurite.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class ClickstreamIngestionApiTests(LocalShopFixture fixture)
{
    private const string Events = "api/analytics/events";

    [Fact]
    public async Task An_accepted_batch_answers_202_without_a_Cosmos_call_and_lands_in_the_capture_files_with_the_address_truncated()
    {
        var session = NewId();
        var started = DateTimeOffset.UtcNow.AddSeconds(-2);
        var batch = new
        {
            events = new object[]
            {
                new { id = NewId(), type = "page-view", sessionId = session, at = DateTimeOffset.UtcNow, path = "/products/blue-shirt?email=someone@example.com", pageType = "product", productId = "prod_blue", referrer = "https://www.search.example/results?q=shirts", utm = new { source = "newsletter", medium = "email", campaign = "winter" } },
                new { id = NewId(), type = "product-view", sessionId = session, at = DateTimeOffset.UtcNow, path = "/products/blue-shirt", pageType = "product", productId = "prod_blue", sku = "BLUE-M" },
                new { id = NewId(), type = "add-to-cart", sessionId = session, at = DateTimeOffset.UtcNow, path = "/products/blue-shirt", pageType = "product", productId = "prod_blue", sku = "BLUE-M", quantity = 2 },
                new { id = NewId(), type = "page-time", sessionId = session, at = DateTimeOffset.UtcNow, path = "/products/blue-shirt", pageType = "product", visibleMs = 4200 },
            },
        };

        using var response = await PostAsync(batch, "text/plain", forwardedFor: "203.0.113.77:51234, 10.0.0.4");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync()).GetProperty("accepted").GetInt32().ShouldBe(4);
        response.Headers.GetValues("X-Cosmos-Calls").Single().ShouldBe("0");

        var captured = await WaitForCapturedAsync(session, 4, started);
        captured.ShouldAllBe(e => e.NetworkPrefix == "203.0.113.0/24" && e.ReceivedAt >= started);
        var pageView = captured.Single(e => e.Type == ClickstreamEventType.PageView);
        pageView.Path.ShouldBe("/products/blue-shirt");
        pageView.ReferrerHost.ShouldBe("www.search.example");
        (pageView.UtmSource, pageView.UtmMedium, pageView.UtmCampaign).ShouldBe(("newsletter", "email", "winter"));
        captured.Single(e => e.Type == ClickstreamEventType.AddToCart).Quantity.ShouldBe(2);
        captured.Single(e => e.Type == ClickstreamEventType.PageTime).VisibleMs.ShouldBe(4200);

        // Not in the captured bytes either: neither the full address nor the query string.
        var raw = await RawCaptureTextAsync(started);
        raw.ShouldNotContain("203.0.113.77");
        raw.ShouldNotContain("someone@example.com");
    }

    [Fact]
    public async Task An_IPv6_client_is_kept_as_its_48_bit_network_and_application_json_is_accepted_too()
    {
        var session = NewId();
        var started = DateTimeOffset.UtcNow.AddSeconds(-2);
        using var response = await PostAsync(Batch(PageView(session)), "application/json", forwardedFor: "[2001:db8:abcd:12:1::5]:443");
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());

        var captured = await WaitForCapturedAsync(session, 1, started);
        captured.Single().NetworkPrefix.ShouldBe("2001:db8:abcd::/48");
    }

    public static TheoryData<string, string, string> BadEvents() => new()
    {
        // field at fault, JSON property to set, its JSON value
        { "events[0].type", "type", "\"teleport\"" },
        { "events[0].id", "id", "\"short\"" },
        { "events[0].id", "id", "null" },
        { "events[0].sessionId", "sessionId", "\"has spaces in it\"" },
        // Times relative to when the case runs, not to when the cases were listed (minutes earlier in a long run).
        { "events[0].at", "at", TenMinutesAhead },
        { "events[0].at", "at", TwentyFiveHoursAgo },
        { "events[0].at", "at", "\"yesterday\"" },
        { "events[0].path", "path", "\"products/no-slash\"" },
        { "events[0].path", "path", "\"//evil.example/x\"" },
        { "events[0].pageType", "pageType", "\"basement\"" },
        { "events[0].visibleMs", "visibleMs", "1000" },
        { "events[0].quantity", "quantity", "3" },
        { "events[0].query", "query", "\"shoes\"" },
        { "events[0].productId", "productId", "\"no spaces allowed\"" },
        { "events[0].referrer", "referrer", "\"not a host!\"" },
        { "events[0].utm.source", "utm", $"{{\"source\":\"{new string('x', 101)}\"}}" },
    };

    private const string TenMinutesAhead = "ten minutes ahead";
    private const string TwentyFiveHoursAgo = "twenty-five hours ago";

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_bad_event_is_refused_with_400_naming_its_field(string field, string property, string json)
    {
        json = json switch
        {
            TenMinutesAhead => $"\"{DateTimeOffset.UtcNow.AddMinutes(10):O}\"",
            TwentyFiveHoursAgo => $"\"{DateTimeOffset.UtcNow.AddHours(-25):O}\"",
            _ => json,
        };
        var node = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(PageView(NewId()), ShopJson.Options))!.AsObject();
        node[property] = System.Text.Json.Nodes.JsonNode.Parse(json);
        using var response = await PostRawAsync($"{{\"events\":[{node.ToJsonString()}]}}", "text/plain");
        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, field);
    }

    public static TheoryData<string, string, object> BadEventsForTheirType() => new()
    {
        { "events[0].productId", "product-view", new { } },
        { "events[0].quantity", "add-to-cart", new { productId = "prod_1", sku = "SKU-1", quantity = 0 } },
        { "events[0].sku", "add-to-cart", new { productId = "prod_1", quantity = 1 } },
        { "events[0].query", "search", new { } },
        { "events[0].visibleMs", "page-time", new { visibleMs = -1 } },
        { "events[0].visibleMs", "page-time", new { visibleMs = 24L * 3600 * 1000 + 1 } },
    };

    [Theory]
    [MemberData(nameof(BadEventsForTheirType))]
    public async Task An_event_without_what_its_type_needs_is_refused_with_400_naming_the_field(string field, string type, object extra)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(PageView(NewId()), ShopJson.Options))!.AsObject();
        node["type"] = type;
        foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(extra))!.AsObject().ToList())
            node[name] = value?.DeepClone();
        using var response = await PostRawAsync($"{{\"events\":[{node.ToJsonString()}]}}", "text/plain");
        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_batch_with_one_bad_event_is_refused_whole_and_none_of_it_is_captured()
    {
        var session = NewId();
        var started = DateTimeOffset.UtcNow.AddSeconds(-2);
        var good = PageView(session);
        var bad = PageView(session) with { Type = "teleport" };

        using var refused = await PostAsync(Batch(good, bad), "text/plain");
        await ProblemAssertions.ShouldBeProblem(refused, HttpStatusCode.BadRequest, "events[1].type");

        // A later batch of the same session gets through; the refused one's good event never does.
        var marker = PageView(session);
        using var accepted = await PostAsync(Batch(marker), "text/plain");
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var captured = await WaitForCapturedAsync(session, 1, started);
        captured.Select(e => e.EventId).ShouldBe([marker.Id]);
    }

    [Fact]
    public async Task Batch_shape_errors_are_400_empty_too_many_null_and_repeated_ids()
    {
        var session = NewId();
        await ProblemAssertions.ShouldBeProblem(await PostRawAsync("{\"events\":[]}", "text/plain"), HttpStatusCode.BadRequest, "events");
        await ProblemAssertions.ShouldBeProblem(await PostRawAsync("{}", "text/plain"), HttpStatusCode.BadRequest, "events");
        await ProblemAssertions.ShouldBeProblem(await PostRawAsync("{\"events\":[null]}", "text/plain"), HttpStatusCode.BadRequest, "events[0]");
        await ProblemAssertions.ShouldBeProblem(await PostRawAsync("not json", "text/plain"), HttpStatusCode.BadRequest);
        await ProblemAssertions.ShouldBeProblem(
            await PostAsync(Batch(Enumerable.Range(0, AcceptClickstreamEvents.MaximumEventsPerBatch + 1).Select(_ => PageView(session)).ToArray()), "text/plain"),
            HttpStatusCode.BadRequest, "events");
        var repeated = PageView(session);
        await ProblemAssertions.ShouldBeProblem(await PostAsync(Batch(repeated, repeated), "text/plain"), HttpStatusCode.BadRequest, "events[1].id");
    }

    [Fact]
    public async Task A_body_over_64_KB_is_refused_with_413_and_another_media_type_with_415()
    {
        var padding = new string('a', 800);
        var events = Enumerable.Range(0, 50).Select(_ => PageView(NewId()) with { Path = "/" + padding + padding }).ToArray();
        var json = JsonSerializer.Serialize(Batch(events), ShopJson.Options);
        json.Length.ShouldBeGreaterThan(AcceptClickstreamEvents.MaximumBodyBytes);
        await ProblemAssertions.ShouldBeProblem(await PostRawAsync(json, "text/plain"), HttpStatusCode.RequestEntityTooLarge);

        await ProblemAssertions.ShouldBeProblem(await PostRawAsync(JsonSerializer.Serialize(Batch(PageView(NewId())), ShopJson.Options), "application/x-www-form-urlencoded"),
            HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task A_session_that_floods_gets_429_with_Retry_After_and_other_sessions_go_on()
    {
        var flooding = NewId();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var response = await PostAsync(Batch(Enumerable.Range(0, 50).Select(_ => PageView(flooding)).ToArray()), "text/plain");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            i.ShouldBeLessThan(ClickstreamRateLimit.DefaultEventsPerMinute / 50 + 1, "the limit should have been reached by now");
        }

        refused.ShouldNotBeNull();
        await ProblemAssertions.ShouldBeProblem(refused, HttpStatusCode.TooManyRequests);
        int.Parse(refused.Headers.GetValues("Retry-After").Single()).ShouldBeGreaterThanOrEqualTo(1);

        using var other = await PostAsync(Batch(PageView(NewId())), "text/plain");
        other.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task The_beacon_is_served_as_cacheable_javascript_with_an_ETag_and_answers_304_when_unchanged()
    {
        using var client = fixture.Client();
        using var response = await client.GetAsync("api/analytics/beacon.js");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        response.Headers.CacheControl!.Public.ShouldBeTrue();
        var etag = response.Headers.ETag.ShouldNotBeNull();
        var script = await response.Content.ReadAsStringAsync();
        script.ShouldContain("window.shopAnalytics");
        script.ShouldContain("navigator.sendBeacon");

        using var again = new HttpRequestMessage(HttpMethod.Get, "api/analytics/beacon.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(again);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task The_daily_retention_timer_runs_and_keeps_the_files_written_within_the_retention_period()
    {
        var session = NewId();
        var started = DateTimeOffset.UtcNow.AddSeconds(-2);
        using var accepted = await PostAsync(Batch(PageView(session)), "text/plain");
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await WaitForCapturedAsync(session, 1, started);

        await fixture.Shop.RunTimerAsync("ExpireRawClickstream");

        (await WaitForCapturedAsync(session, 1, started)).ShouldHaveSingleItem();
    }

    // ---- helpers

    private sealed record WireEvent(string Id, string Type, string SessionId, DateTimeOffset At, string Path, string PageType);

    private static WireEvent PageView(string session) => new(NewId(), "page-view", session, DateTimeOffset.UtcNow, "/", "home");

    private static object Batch(params WireEvent[] events) => new { events };

    private static string NewId() => Guid.NewGuid().ToString("N");

    private Task<HttpResponseMessage> PostAsync(object batch, string mediaType, string? forwardedFor = null) =>
        PostRawAsync(JsonSerializer.Serialize(batch, ShopJson.Options), mediaType, forwardedFor);

    private async Task<HttpResponseMessage> PostRawAsync(string body, string mediaType, string? forwardedFor = null)
    {
        using var client = fixture.Client();
        var request = new HttpRequestMessage(HttpMethod.Post, Events) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        if (forwardedFor is not null) request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    /// <summary>The session's events once the local capture has written them (it runs every second).</summary>
    private async Task<List<ClickstreamEvent>> WaitForCapturedAsync(string session, int count, DateTimeOffset writtenAfter)
    {
        var archive = fixture.Shop.Services.GetRequiredService<IClickstreamArchive>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = new List<ClickstreamEvent>();
            await foreach (var file in archive.ListAsync(writtenAfter.AddSeconds(-2), CancellationToken.None))
                found.AddRange((await archive.ReadAsync(file, CancellationToken.None)).Where(e => e.SessionId == session));
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                found.Count.ShouldBe(count, $"captured events of session {session}");
                return found;
            }
            await Task.Delay(250);
        }
    }

    private async Task<string> RawCaptureTextAsync(DateTimeOffset writtenAfter)
    {
        var blobs = new Azure.Storage.Blobs.BlobServiceClient(fixture.Shop.Stack.StorageConnectionString).GetBlobContainerClient(BlobClickstreamArchive.ContainerName);
        var text = new StringBuilder();
        await foreach (var file in fixture.Shop.Services.GetRequiredService<IClickstreamArchive>().ListAsync(writtenAfter.AddSeconds(-2), CancellationToken.None))
        {
            var content = await blobs.GetBlobClient(file.Name).DownloadContentAsync();
            // Capture compresses (deflate): the records are read back and their bodies searched as text.
            using var stream = content.Value.Content.ToStream();
            foreach (var record in EventHubsCaptureFormat.Read(stream)) text.Append(Encoding.UTF8.GetString(record.Body ?? []));
        }
        return text.ToString();
    }
}
