using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Storefront;
using WireMock.RequestBuilders;
using Request = WireMock.RequestBuilders.Request;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters.Storefront;

/// <summary>
/// The Front Door purge against a WireMock double of Azure Resource Manager's "AFD Endpoints - Purge Content" request, as
/// its REST reference documents it: POST {endpoint id}/purge?api-version=2023-05-01 with {"contentPaths": [...]},
/// answered 202 Accepted.
/// </summary>
public sealed class FrontDoorCdnPurgeTests : IDisposable
{
    private const string EndpointId = "/subscriptions/0000-1111/resourceGroups/rg-shop/providers/Microsoft.Cdn/profiles/afd-shop/afdEndpoints/shop";
    private const string PurgePath = EndpointId + "/purge";

    private static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        // Generous: on a busy machine the double's first answer can be slow, and a timed-out attempt would be retried.
        AttemptTimeout = TimeSpan.FromSeconds(60),
        TotalTimeout = TimeSpan.FromSeconds(120),
    };

    private readonly WireMockServer _arm = WireMockServer.Start();
    private readonly RecordingCredential _credential = new();

    public void Dispose() => _arm.Stop();

    private FrontDoorCdnPurge Purge() => new(new HttpClient(), _credential, new FrontDoorSettings(EndpointId, new Uri(_arm.Url! + "/")),
        ThirdPartyResilience.Create(FrontDoorCdnPurge.ServiceName, FastRetries, NullLogger.Instance));

    private void Answer(int status) =>
        _arm.Given(Request.Create().WithPath(PurgePath).UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(status >= 400 ? """{"error":{"code":"AuthorizationFailed","message":"no access"}}""" : ""));

    [Fact]
    public async Task Posts_the_paths_to_the_endpoints_purge_operation_with_a_management_token()
    {
        Answer(202);

        await Purge().PurgeAsync(["/products/mug", "/", "/sitemap.xml"], CancellationToken.None);

        var request = _arm.LogEntries.ShouldHaveSingleItem().RequestMessage;
        request.Path.ShouldBe(PurgePath);
        request.Query!["api-version"].ToString().ShouldBe("2023-05-01");
        request.Headers!["Authorization"].ToString().ShouldBe("Bearer token-for-https://management.azure.com/.default");
        using var body = JsonDocument.Parse(request.Body!);
        body.RootElement.GetProperty("contentPaths").EnumerateArray().Select(p => p.GetString()).ShouldBe(["/products/mug", "/", "/sitemap.xml"]);
        _credential.Scopes.ShouldBe(["https://management.azure.com/.default"]);
    }

    [Fact]
    public async Task Many_paths_go_in_batches_of_a_hundred()
    {
        Answer(202);
        var paths = Enumerable.Range(1, 150).Select(i => $"/products/p-{i}").ToList();

        await Purge().PurgeAsync(paths, CancellationToken.None);

        var sent = _arm.LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("contentPaths").GetArrayLength()).ToList();
        sent.ShouldBe([100, 50]);
    }

    [Fact]
    public async Task A_refusal_fails_loudly_without_retrying()
    {
        Answer(403);

        var failure = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Purge().PurgeAsync(["/"], CancellationToken.None));

        failure.StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        failure.Message.ShouldContain("AuthorizationFailed");
        _arm.LogEntries.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Throttling_is_retried_until_the_purge_is_accepted()
    {
        _arm.Given(Request.Create().WithPath(PurgePath).UsingPost()).InScenario("throttled").WillSetStateTo("retry")
            .RespondWith(Response.Create().WithStatusCode(429));
        _arm.Given(Request.Create().WithPath(PurgePath).UsingPost()).InScenario("throttled").WhenStateIs("retry")
            .RespondWith(Response.Create().WithStatusCode(202));

        await Purge().PurgeAsync(["/"], CancellationToken.None);

        _arm.LogEntries.Select(e => e.ResponseMessage.StatusCode).ShouldBe([429, 202]);
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().Result;

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken("token-for-" + string.Join(" ", requestContext.Scopes), DateTimeOffset.UtcNow.AddHours(1)));
        }
    }
}
