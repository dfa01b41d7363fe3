using System.Net;
using System.Text.Json;
using System.Web;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Marketing.Attribution;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Request = WireMock.RequestBuilders.Request;

namespace Serverless.Shop.IntegrationTests.Adapters.Marketing;

/// <summary>
/// Meta's Conversions API through a WireMock double built from Meta's documented exchange ("Using the API"): a POST to
/// /{version}/{pixel id}/events with the form fields data (a JSON array of server events) and access_token, answered
/// {"events_received":1,"messages":[],"fbtrace_id":...}; errors as the Graph API's {"error":{message,type,code,fbtrace_id}}.
/// </summary>
public sealed class MetaConversionsApiTests : IDisposable
{
    private const string PixelId = "123456789012345";
    private const string Token = "EAAB-test-access-token";
    private const string Path = "/v23.0/" + PixelId + "/events";
    private const string Received = """{"events_received":1,"messages":[],"fbtrace_id":"ABCDEFGHIJ123"}""";

    private static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(30), TotalTimeout = TimeSpan.FromSeconds(60),
    };

    private static readonly DateTimeOffset PaidAt = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ClickedAt = new(2026, 12, 6, 18, 30, 0, TimeSpan.Zero);

    private readonly WireMockServer _meta = WireMockServer.Start();

    public void Dispose() => _meta.Stop();

    private MetaConversionsApi Api(string? token = Token) => new(
        new HttpClient { BaseAddress = new Uri(_meta.Urls[0] + "/") }, PixelId, "v23.0", SecretSetting.Of(AttributionRegistration.MetaAccessTokenSetting, token),
        ThirdPartyResilience.Create(MetaConversionsApi.ServiceName, FastRetries, NullLogger.Instance));

    private static PurchaseConversion Purchase(string? fbclid = "IwAR2xYz-abc_123") => new(
        "SS-7KQ4-XM2P", PaidAt, new Money(42.50m, "EUR"), "  Ada.Lovelace@Example.com ", ["MUG-RED", "TEA-1"], 3,
        fbclid, fbclid is null ? null : ClickedAt, "https://shop.example/products/mug?utm_source=facebook&fbclid=IwAR2xYz-abc_123");

    private void Answer(int status, string body) =>
        _meta.Given(Request.Create().WithPath(Path).UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    [Fact]
    public async Task A_purchase_is_posted_as_metas_documented_server_event_with_the_token_in_the_body()
    {
        Answer(200, Received);
        await Api().SendAsync(Purchase(), CancellationToken.None);

        var request = _meta.LogEntries.ShouldHaveSingleItem().RequestMessage;
        request.Path.ShouldBe(Path);
        request.Method.ShouldBe("POST");
        // The token is a form field, never in the URL where proxies and logs keep it.
        request.Url.ShouldNotContain(Token);
        var form = HttpUtility.ParseQueryString(request.Body!);
        form["access_token"].ShouldBe(Token);

        using var data = JsonDocument.Parse(form["data"]!);
        var evt = data.RootElement.EnumerateArray().ShouldHaveSingleItem();
        evt.GetProperty("event_name").GetString().ShouldBe("Purchase");
        evt.GetProperty("event_time").GetInt64().ShouldBe(PaidAt.ToUnixTimeSeconds());
        evt.GetProperty("event_id").GetString().ShouldBe("SS-7KQ4-XM2P");
        evt.GetProperty("action_source").GetString().ShouldBe("website");
        evt.GetProperty("event_source_url").GetString().ShouldStartWith("https://shop.example/products/mug");
        var user = evt.GetProperty("user_data");
        // SHA-256 of "ada.lovelace@example.com": trimmed and lower-cased first, as Meta requires.
        user.GetProperty("em").EnumerateArray().Single().GetString().ShouldBe(MetaConversionsApi.HashEmail("ada.lovelace@example.com"));
        user.GetProperty("em").EnumerateArray().Single().GetString()!.Length.ShouldBe(64);
        form["data"]!.ShouldNotContain("lovelace", Case.Insensitive);
        user.GetProperty("fbc").GetString().ShouldBe($"fb.1.{ClickedAt.ToUnixTimeMilliseconds()}.IwAR2xYz-abc_123");
        var custom = evt.GetProperty("custom_data");
        custom.GetProperty("currency").GetString().ShouldBe("EUR");
        custom.GetProperty("value").GetDecimal().ShouldBe(42.50m);
        custom.GetProperty("content_ids").EnumerateArray().Select(e => e.GetString()).ShouldBe(["MUG-RED", "TEA-1"]);
        custom.GetProperty("num_items").GetInt32().ShouldBe(3);
    }

    [Fact]
    public void The_email_hash_is_sha256_hex_of_the_normalised_address()
    {
        // echo -n "test@example.com" | sha256sum
        MetaConversionsApi.HashEmail(" Test@Example.COM ").ShouldBe("973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b");
    }

    [Fact]
    public async Task An_invalid_token_is_a_permanent_error_naming_metas_message_and_is_not_retried()
    {
        Answer(400, """{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190,"fbtrace_id":"A1b2C3"}}""");
        var e = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Api().SendAsync(Purchase(), CancellationToken.None));
        e.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        e.IsTransient.ShouldBeFalse();
        e.Message.ShouldContain("Invalid OAuth access token");
        e.Message.ShouldContain("code 190");
        e.Message.ShouldNotContain(Token);
        _meta.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_server_error_is_retried_and_the_retry_sends_the_same_event_id()
    {
        _meta.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("flaky").WillSetStateTo("failed once")
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("""{"error":{"message":"An unknown error occurred","type":"OAuthException","code":1,"fbtrace_id":"X"}}"""));
        _meta.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("flaky").WhenStateIs("failed once")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Received));

        await Api().SendAsync(Purchase(), CancellationToken.None);

        var bodies = _meta.LogEntries.Select(l => HttpUtility.ParseQueryString(l.RequestMessage.Body!)["data"]).ToList();
        bodies.Count.ShouldBe(2);
        bodies[0].ShouldBe(bodies[1]);
    }

    [Fact]
    public async Task An_answer_that_does_not_confirm_the_event_is_an_error()
    {
        Answer(200, """{"events_received":0,"messages":[],"fbtrace_id":"Z"}""");
        await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Api().SendAsync(Purchase(), CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_resolved_token_nothing_is_sent()
    {
        Answer(200, Received);
        await Should.ThrowAsync<NotConfiguredException>(() => Api(token: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/meta-capi-token)").SendAsync(Purchase(), CancellationToken.None));
        _meta.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public void Only_journeys_with_a_meta_click_are_metas_to_hear_about()
    {
        Api().Wants(Purchase()).ShouldBeTrue();
        Api().Wants(Purchase(fbclid: null)).ShouldBeFalse();
    }
}
