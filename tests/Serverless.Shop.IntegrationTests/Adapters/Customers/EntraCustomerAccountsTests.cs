using System.Net;
using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Customers;
using WireMock.RequestBuilders;
using Request = WireMock.RequestBuilders.Request;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters.Customers;

/// <summary>
/// Deleting a customer's External ID account through Microsoft Graph, against a WireMock double of the two documented
/// calls (DELETE /v1.0/users/{id}, DELETE /v1.0/directory/deletedItems/{id}: 204, or 404 with Graph's error body).
/// </summary>
public sealed class EntraCustomerAccountsTests : IDisposable
{
    private const string GraphToken = "graph-access-token-for-the-test";
    private static readonly string CustomerId = Guid.NewGuid().ToString();
    private static readonly string UserPath = $"/v1.0/users/{CustomerId}";
    private static readonly string DeletedItemPath = $"/v1.0/directory/deletedItems/{CustomerId}";

    private static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    private readonly WireMockServer _graph = WireMockServer.Start();

    public void Dispose() => _graph.Stop();

    private sealed class StaticCredential : TokenCredential
    {
        public List<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.Add(requestContext.Scopes);
            return new AccessToken(GraphToken, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private readonly StaticCredential _credential = new();

    private EntraCustomerAccounts Accounts() => new(
        new HttpClient { BaseAddress = new Uri(_graph.Urls[0] + "/") }, _credential,
        ThirdPartyResilience.Create(EntraCustomerAccounts.ServiceName, FastRetries, NullLogger.Instance));

    private void Answer(string path, int status, string? errorCode = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (errorCode is not null)
            response = response.WithHeader("Content-Type", "application/json")
                .WithBody("{\"error\":{\"code\":\"" + errorCode + "\",\"message\":\"Resource '" + CustomerId
                    + "' does not exist or one of its queried reference-property objects are not present.\",\"innerError\":{\"request-id\":\"5c3e3b54-0000-4000-8000-000000000000\",\"date\":\"2026-12-07T00:00:00\"}}}");
        _graph.Given(Request.Create().WithPath(path).UsingDelete()).RespondWith(response);
    }

    [Fact]
    public async Task Deletes_the_user_and_then_its_restorable_copy_in_deleted_items_with_a_graph_token()
    {
        Answer(UserPath, 204);
        Answer(DeletedItemPath, 204);

        var deleted = await Accounts().DeleteAsync(CustomerId, CancellationToken.None);

        deleted.ShouldBeTrue();
        _graph.LogEntries.Select(e => (e.RequestMessage.Method, e.RequestMessage.Path)).ShouldBe([("DELETE", UserPath), ("DELETE", DeletedItemPath)]);
        _graph.LogEntries.ShouldAllBe(e => e.RequestMessage.Headers!["Authorization"].ToString() == $"Bearer {GraphToken}");
        _credential.Scopes.ShouldAllBe(s => s.Single() == "https://graph.microsoft.com/.default");
    }

    [Fact]
    public async Task A_user_deleted_before_but_still_restorable_is_removed_for_good()
    {
        Answer(UserPath, 404, "Request_ResourceNotFound");
        Answer(DeletedItemPath, 204);

        (await Accounts().DeleteAsync(CustomerId, CancellationToken.None)).ShouldBeTrue();
    }

    [Fact]
    public async Task No_account_anywhere_is_false_and_no_error()
    {
        Answer(UserPath, 404, "Request_ResourceNotFound");
        Answer(DeletedItemPath, 404, "Request_ResourceNotFound");

        (await Accounts().DeleteAsync(CustomerId, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task An_id_that_is_not_an_object_id_was_never_an_account_and_graph_is_not_called()
    {
        (await Accounts().DeleteAsync("cust_developer_token_subject", CancellationToken.None)).ShouldBeFalse();

        _graph.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refusal_fails_with_graphs_code_and_is_not_retried()
    {
        Answer(UserPath, 403, "Authorization_RequestDenied");

        var e = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Accounts().DeleteAsync(CustomerId, CancellationToken.None));

        e.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        e.Message.ShouldContain("Authorization_RequestDenied");
        _graph.LogEntries.Count().ShouldBe(1, "a 403 fails the same way again");
    }

    [Fact]
    public async Task Throttling_is_retried_and_then_the_deletion_goes_through()
    {
        _graph.Given(Request.Create().WithPath(UserPath).UsingDelete()).InScenario("throttled").WillSetStateTo("ready")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0"));
        _graph.Given(Request.Create().WithPath(UserPath).UsingDelete()).InScenario("throttled").WhenStateIs("ready")
            .RespondWith(Response.Create().WithStatusCode(204));
        Answer(DeletedItemPath, 204);

        (await Accounts().DeleteAsync(CustomerId, CancellationToken.None)).ShouldBeTrue();

        _graph.LogEntries.Count(e => e.RequestMessage.Path == UserPath).ShouldBe(2);
    }
}
