using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using Polly;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Customers;

/// <summary>
/// Customer accounts in the Microsoft Entra External ID tenant, through Microsoft Graph's documented REST API: a customer
/// id is the account's object id (the token's <c>oid</c>). Deleting is <c>DELETE /v1.0/users/{id}</c>, which moves the
/// user to the directory's deleted items (restorable for 30 days), then <c>DELETE /v1.0/directory/deletedItems/{id}</c>,
/// which removes it for good; both answer 204, or 404 when there is nothing (any more). Calls go through the third-party
/// resilience pipeline; a token comes from <paramref name="credential"/> for Graph's <c>.default</c> scope (the
/// registration gives a credential for the external tenant's app, which needs the User.ReadWrite.All application
/// permission). Tests: EntraCustomerAccountsTests, against a WireMock double of those two calls.
/// </summary>
public sealed class EntraCustomerAccounts(HttpClient http, TokenCredential credential, ResiliencePipeline resilience) : ICustomerAccounts
{
    public const string ServiceName = "Microsoft Graph";
    public static readonly Uri GraphBase = new("https://graph.microsoft.com/");
    private static readonly string[] Scopes = ["https://graph.microsoft.com/.default"];

    public async Task<bool> DeleteAsync(string customerId, CancellationToken ct)
    {
        // Object ids are GUIDs: anything else was never an account of the tenant (a developer token's subject, say).
        if (!Guid.TryParse(customerId, out var id)) return false;
        var deleted = await SendDeleteAsync($"v1.0/users/{id:D}", ct);
        // Also when the user was deleted before: an erasure interrupted between the two calls finishes here.
        var purged = await SendDeleteAsync($"v1.0/directory/deletedItems/{id:D}", ct);
        return deleted || purged;
    }

    /// <returns>True for 204 (deleted), false for 404 (nothing there); anything else throws.</returns>
    private async Task<bool> SendDeleteAsync(string path, CancellationToken ct) =>
        await resilience.ExecuteAsync(async token =>
        {
            var access = await credential.GetTokenAsync(new TokenRequestContext(Scopes), token);
            using var request = new HttpRequestMessage(HttpMethod.Delete, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access.Token);
            using var response = await http.SendAsync(request, token);
            if (response.StatusCode == HttpStatusCode.NoContent) return true;
            if (response.StatusCode == HttpStatusCode.NotFound) return false;
            throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, Describe(await response.Content.ReadAsStringAsync(token)),
                response.Headers.RetryAfter?.Delta);
        }, ct);

    // Graph's error body: { "error": { "code": "Authorization_RequestDenied", "message": "..." } }.
    private static string Describe(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                return $"{(error.TryGetProperty("code", out var code) ? code.GetString() : "error")}: {(error.TryGetProperty("message", out var message) ? message.GetString() : "")}";
        }
        catch (JsonException)
        {
        }
        return body.Length > 300 ? body[..300] : body;
    }
}
