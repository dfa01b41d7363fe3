using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

/// <summary>
/// Finding an order's PaymentIntents with Stripe's search API (GET /v1/payment_intents/search, query on the order number
/// in metadata), against a WireMock double answering as Stripe's API reference documents a search result.
/// </summary>
public sealed class StripePaymentSearchTests : IDisposable
{
    private const string SearchPath = "/v1/payment_intents/search";
    private const string Order = "SS-7KQ4-XM2P";

    private static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        // Generous: on a loaded machine the first call (Stripe.net warming up) can take seconds, and a retry would be a second request.
        AttemptTimeout = TimeSpan.FromSeconds(30),
        TotalTimeout = TimeSpan.FromSeconds(60),
    };

    private readonly WireMockServer _stripe = WireMockServer.Start();

    public void Dispose() => _stripe.Stop();

    [Fact]
    public async Task Searches_payment_intents_by_the_order_number_in_metadata_and_reads_what_each_took()
    {
        Answer(200, SearchResult(Intent("pi_3Paid", "succeeded", 4650, 4650), Intent("pi_3Auth", "requires_action", 4650, 0)));

        var found = await Gateway().FindByOrderAsync(Order, CancellationToken.None);

        var request = _stripe.LogEntries.ShouldHaveSingleItem(string.Join(" | ", _stripe.LogEntries.Select(e => $"{e.RequestMessage.Method} {e.RequestMessage.Url} -> {e.ResponseMessage.StatusCode}"))).RequestMessage;
        request.Method.ShouldBe("GET");
        request.Query!["query"].ToString().ShouldBe($"metadata['order_id']:'{Order}'");
        found.ShouldBe([
            new FoundPayment("stripe", "pi_3Paid", Order, new Money(46.50m, "EUR"), Captured: true, DateTimeOffset.FromUnixTimeSeconds(1735689600)),
            new FoundPayment("stripe", "pi_3Auth", Order, new Money(46.50m, "EUR"), Captured: false, DateTimeOffset.FromUnixTimeSeconds(1735689600)),
        ]);
    }

    [Fact]
    public async Task An_order_stripe_holds_no_payment_for_finds_nothing()
    {
        Answer(200, SearchResult());

        (await Gateway().FindByOrderAsync(Order, CancellationToken.None)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("SS-1' OR metadata['order_id']:'x")]
    [InlineData("")]
    public async Task An_order_number_that_would_change_the_query_never_reaches_stripe(string number)
    {
        await Should.ThrowAsync<ArgumentException>(() => Gateway().FindByOrderAsync(number, CancellationToken.None));

        _stripe.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Stripe_down_is_retried_then_reported_as_a_failed_third_party_call()
    {
        Answer(503, """{"error":{"type":"api_error","message":"Stripe is temporarily unavailable"}}""");

        await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Gateway().FindByOrderAsync(Order, CancellationToken.None));

        _stripe.LogEntries.Count().ShouldBe(3);
    }

    private void Answer(int status, string body) =>
        _stripe.Given(Request.Create().WithPath(SearchPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("Request-Id", "req_test").WithBody(body));

    private StripeCardGateway Gateway() => new(
        StripeCardGateway.CreateClient("sk_test_51NeverShownAnywhere", _stripe.Url),
        ThirdPartyResilience.Create(StripeCardGateway.ServiceName, FastRetries, NullLogger.Instance),
        NullLogger<StripeCardGateway>.Instance);

    /// <summary>A search result as Stripe's API reference shows it: object search_result, data, has_more, next_page.</summary>
    private static string SearchResult(params string[] intents) => $$"""
        {"object":"search_result","url":"/v1/payment_intents/search","has_more":false,"next_page":null,"data":[{{string.Join(",", intents)}}]}
        """;

    private static string Intent(string id, string status, long amount, long received) => $$"""
        {"id":"{{id}}","object":"payment_intent","amount":{{amount}},"amount_capturable":0,"amount_received":{{received}},
         "capture_method":"automatic","created":1735689600,"currency":"eur","description":"Order {{Order}}","livemode":false,
         "metadata":{"order_id":"{{Order}}"},"payment_method":"pm_1QCard","payment_method_types":["card"],"status":"{{status}}"}
        """;
}
