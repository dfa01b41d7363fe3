using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Attribution;

/// <summary>
/// Meta's Conversions API: <c>POST https://graph.facebook.com/{version}/{pixel id}/events</c> with the form fields
/// <c>data</c> (a JSON array of server events) and <c>access_token</c>, as Meta's "Using the API" page sends them. The
/// token goes in the body, never in the URL, so no proxy or log keeps it. Per event: <c>event_name</c> Purchase,
/// <c>event_time</c> (Unix seconds), <c>event_id</c> the order number (Meta deduplicates it against the browser
/// pixel's eventID), <c>action_source</c> website, <c>user_data.em</c> the SHA-256 of the trimmed lower-case email and
/// <c>fbc</c> "fb.1.{ms when the click was captured}.{fbclid}", <c>custom_data</c> value, currency, content ids.
/// A success answers <c>{"events_received":1,...}</c>; anything else is an error (MetaConversionsApiTests, on a
/// WireMock double of those documented requests and answers).
/// </summary>
public sealed class MetaConversionsApi(HttpClient http, string pixelId, string apiVersion, SecretSetting accessToken, ResiliencePipeline resilience) : IConversionsApi
{
    public const string ServiceName = "Meta Conversions API";
    public static readonly Uri DefaultEndpoint = new("https://graph.facebook.com/");
    public const string DefaultApiVersion = "v23.0";

    public string Destination => "meta";

    public bool Wants(PurchaseConversion conversion) => conversion.Fbclid is not null;

    public async Task SendAsync(PurchaseConversion conversion, CancellationToken ct)
    {
        // Read first: an unresolved token refuses here (NotConfiguredException), before anything is sent.
        var token = accessToken.Value;
        var data = new JsonArray(Event(conversion)).ToJsonString();
        await resilience.ExecuteAsync(async attempt =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{Uri.EscapeDataString(apiVersion)}/{Uri.EscapeDataString(pixelId)}/events")
            {
                Content = new FormUrlEncodedContent([new("data", data), new("access_token", token)]),
            };
            using var response = await http.SendAsync(request, attempt);
            var text = await response.Content.ReadAsStringAsync(attempt);
            if (!response.IsSuccessStatusCode)
                throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, Describe(text), response.Headers.RetryAfter?.Delta);
            if (EventsReceived(text) != 1)
                throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, "the answer did not confirm the event: " + Describe(text));
        }, ct);
    }

    public static JsonObject Event(PurchaseConversion c)
    {
        var user = new JsonObject { ["em"] = new JsonArray(HashEmail(c.Email)) };
        if (c.Fbclid is { } fbclid) user["fbc"] = Fbc(fbclid, c.FbclidCapturedAt ?? c.PaidAt);
        var evt = new JsonObject
        {
            ["event_name"] = "Purchase",
            ["event_time"] = c.PaidAt.ToUnixTimeSeconds(),
            ["event_id"] = c.OrderNumber,
            ["action_source"] = "website",
            ["user_data"] = user,
            ["custom_data"] = new JsonObject
            {
                ["currency"] = c.Value.Currency,
                ["value"] = c.Value.Amount,
                ["order_id"] = c.OrderNumber,
                ["content_ids"] = new JsonArray([.. c.Skus.Select(s => (JsonNode)s)]),
                ["content_type"] = "product",
                ["num_items"] = c.Units,
            },
        };
        if (c.LandingPage is { } page) evt["event_source_url"] = page;
        return evt;
    }

    /// <summary>Meta's normalisation for emails: trimmed, lower case, then SHA-256 as lower-case hex.</summary>
    public static string HashEmail(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));

    /// <summary>The click id as the _fbc cookie holds it: version "fb", subdomain index 1, creation time in ms, the fbclid.</summary>
    public static string Fbc(string fbclid, DateTimeOffset capturedAt) =>
        $"fb.1.{capturedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}.{fbclid}";

    private static int? EventsReceived(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("events_received", out var n) && n.TryGetInt32(out var count) ? count : null;
        }
        catch (JsonException) { return null; }
    }

    // Meta's error object: {"error":{"message","type","code","fbtrace_id"}}. Its message never holds the token.
    private static string Describe(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error))
                return $"{error.GetProperty("message").GetString()} (code {(error.TryGetProperty("code", out var code) ? code.ToString() : "?")}, fbtrace_id {(error.TryGetProperty("fbtrace_id", out var trace) ? trace.GetString() : "?")})";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
        return body.Length > 300 ? body[..300] : body;
    }
}
