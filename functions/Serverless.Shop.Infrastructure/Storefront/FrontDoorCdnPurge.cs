using System.Net.Http.Headers;
using System.Net.Http.Json;
using Azure.Core;
using Polly;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Storefront;

/// <summary>
/// Purges storefront paths from the Azure Front Door endpoint through Azure Resource Manager's documented REST operation
/// "AFD Endpoints - Purge Content" (POST {endpoint resource id}/purge, body <c>{"contentPaths": [...]}</c>, 200 or 202),
/// signed in with the app's managed identity (Bicep gives it CDN Profile Contributor on the profile). The purge
/// completes at the edge asynchronously; the shop does not wait for it, the accepted request is enough.
/// Tested against a WireMock double of that request (FrontDoorCdnPurgeTests).
/// </summary>
public sealed class FrontDoorCdnPurge(HttpClient http, TokenCredential credential, FrontDoorSettings settings, ResiliencePipeline resilience) : ICdnPurge
{
    public const string ServiceName = "Azure Front Door";
    public const string ApiVersion = "2023-05-01";

    /// <summary>Paths per request: purges are batched so that one request stays small whatever the change.</summary>
    public const int PathsPerRequest = 100;

    private static readonly string[] Scopes = ["https://management.azure.com/.default"];

    public async Task PurgeAsync(IReadOnlyCollection<string> paths, CancellationToken ct)
    {
        foreach (var batch in paths.Distinct(StringComparer.Ordinal).Chunk(PathsPerRequest))
            await resilience.ExecuteAsync(async token => await SendAsync(batch, token), ct);
    }

    private async Task SendAsync(string[] paths, CancellationToken ct)
    {
        var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), ct);
        var uri = new Uri(settings.ManagementUrl, $"{settings.EndpointResourceId.TrimStart('/')}/purge?api-version={ApiVersion}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(new { contentPaths = paths }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        using var response = await http.SendAsync(request, ct);
        if (response.IsSuccessStatusCode) return;
        var detail = await response.Content.ReadAsStringAsync(ct);
        throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, detail.Length > 500 ? detail[..500] : detail, response.Headers.RetryAfter?.Delta);
    }
}

/// <param name="EndpointResourceId">/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Cdn/profiles/{profile}/afdEndpoints/{endpoint}</param>
/// <param name="ManagementUrl">Azure Resource Manager, https://management.azure.com/ (tests: a local double).</param>
public sealed record FrontDoorSettings(string EndpointResourceId, Uri ManagementUrl);

/// <summary>
/// The local host's CDN: there is none, so purges are recorded (in memory, and appended to a file when one is given)
/// for a developer or a test to see what a change would have purged.
/// </summary>
public sealed class LocalRecordingCdnPurge(string? logFile = null) : ICdnPurge
{
    private readonly Lock _gate = new();
    private readonly List<string> _purged = [];

    /// <summary>Every path purged so far, in order.</summary>
    public IReadOnlyList<string> Purged { get { lock (_gate) return [.. _purged]; } }

    public Task PurgeAsync(IReadOnlyCollection<string> paths, CancellationToken ct)
    {
        lock (_gate)
        {
            _purged.AddRange(paths);
            if (logFile is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
                File.AppendAllLines(logFile, paths.Select(p => $"{DateTimeOffset.UtcNow:O} {p}"));
            }
        }
        return Task.CompletedTask;
    }
}
