using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Payments;

/// <summary>The shop's PayPal REST app (settings <c>Payments:PayPal:*</c>).</summary>
/// <param name="ApiBase">https://api-m.sandbox.paypal.com/ (sandbox) or https://api-m.paypal.com/ (live); a test double's in tests.</param>
/// <param name="WebhookId">The id PayPal gave the shop's webhook; its verification API needs it.</param>
public sealed record PayPalOptions(Uri ApiBase, string ClientId, string ClientSecret, string WebhookId)
{
    public static readonly Uri SandboxApiBase = new("https://api-m.sandbox.paypal.com/");

    // A record prints its properties; the client id and secret must not end up in a log that way.
    public override string ToString() => $"PayPalOptions {{ ApiBase = {ApiBase}, WebhookId = {WebhookId} }}";
}

/// <summary>What PayPal answered: a success, or an error the caller may expect (a 4xx with PayPal's issue code).</summary>
public sealed record PayPalAnswer(HttpStatusCode Status, JsonElement Json)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>PayPal's most specific error code: <c>details[0].issue</c> (INSTRUMENT_DECLINED ...), else <c>name</c>.</summary>
    public string? Issue =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array
        && details.GetArrayLength() > 0 && Text(details[0], "issue") is { } issue
            ? issue
            : Text(Json, "name") ?? Text(Json, "error");

    /// <summary>PayPal's own words, for logs and exceptions: name, message, issues, and the debug id its support asks for.</summary>
    public string Describe()
    {
        if (Json.ValueKind != JsonValueKind.Object) return "no error text";
        var parts = new List<string>();
        if ((Text(Json, "name") ?? Text(Json, "error")) is { } name) parts.Add(name);
        if ((Text(Json, "message") ?? Text(Json, "error_description")) is { } message) parts.Add(message);
        if (Json.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            parts.AddRange(details.EnumerateArray().Select(d => $"{Text(d, "issue")}: {Text(d, "description")}"));
        if (Text(Json, "debug_id") is { } debugId) parts.Add($"debug id {debugId}");
        return parts.Count == 0 ? "no error text" : string.Join("; ", parts);
    }

    public PayPalAnswer EnsureSuccess() => IsSuccess ? this : throw new ThirdPartyCallFailedException(PayPalApi.ServiceName, Status, Describe());

    public static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>
/// Calls to PayPal's REST API with an OAuth2 access token (client credentials, cached until shortly before it
/// expires) through the third-party resilience pipeline. A <c>PayPal-Request-Id</c> given by the caller goes with every
/// attempt, so a retried create, capture or refund is the same request to PayPal and never happens twice.
/// </summary>
public sealed class PayPalApi(HttpClient http, PayPalOptions options, ResiliencePipeline resilience, TimeProvider time, ILogger<PayPalApi> logger)
{
    public const string ServiceName = "PayPal";
    public const string RequestIdHeader = "PayPal-Request-Id";

    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private AccessToken? _token;

    /// <summary>One long-lived client for <paramref name="apiBase"/>; no timeout of its own, the pipeline times each attempt out.</summary>
    public static HttpClient CreateHttpClient(Uri apiBase) =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = apiBase.AbsoluteUri.EndsWith('/') ? apiBase : new Uri(apiBase.AbsoluteUri + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <summary>
    /// Sends <paramref name="jsonBody"/> to <paramref name="path"/> (relative to the API base), retrying what is worth
    /// retrying. Returns successes and PayPal's 4xx answers (for the caller to read the issue); throws
    /// <see cref="ThirdPartyCallFailedException"/> when PayPal keeps failing or cannot be reached.
    /// </summary>
    public async Task<PayPalAnswer> SendAsync(HttpMethod method, string path, string? jsonBody, string? requestId, CancellationToken ct) =>
        await resilience.ExecuteAsync(async token =>
        {
            var answer = await SendOnceAsync(method, path, jsonBody, requestId, token);
            if (answer.Answer.Status == HttpStatusCode.Unauthorized)
            {
                // The token was revoked or expired early: one fresh token, one more try.
                ForgetToken();
                answer = await SendOnceAsync(method, path, jsonBody, requestId, token);
            }
            if (IsTransient(answer.Answer.Status))
                throw new ThirdPartyCallFailedException(ServiceName, answer.Answer.Status, answer.Answer.Describe(), answer.RetryAfter);
            if (!answer.Answer.IsSuccess)
                logger.LogInformation("PayPal answered {Status} to {Method} {Path}: {Error}.", (int)answer.Answer.Status, method, path, answer.Answer.Describe());
            return answer.Answer;
        }, ct);

    /// <summary>Formats an amount as PayPal wants it: a string with exactly the currency's decimals ("12.50", "1200" for JPY).</summary>
    public static string FormatAmount(Money amount)
    {
        var digits = Currencies.MinorDigits(amount.Currency);
        if (decimal.Round(amount.Amount, digits) != amount.Amount)
            throw new ArgumentException($"{amount} has more decimals than {amount.Currency} allows.", nameof(amount));
        return amount.Amount.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Reads PayPal's <c>{ "currency_code", "value" }</c>.</summary>
    public static Money? ReadAmount(JsonElement amount) =>
        PayPalAnswer.Text(amount, "currency_code") is { } currency && PayPalAnswer.Text(amount, "value") is { } value
        && decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            ? new Money(number, currency)
            : null;

    private async Task<(PayPalAnswer Answer, TimeSpan? RetryAfter)> SendOnceAsync(HttpMethod method, string path, string? jsonBody, string? requestId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(ct));
        if (requestId is not null) request.Headers.Add(RequestIdHeader, requestId);
        if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, ct);
        return (new PayPalAnswer(response.StatusCode, await ReadJsonAsync(response, ct)), response.Headers.RetryAfter?.Delta);
    }

    private async Task<string> AccessTokenAsync(CancellationToken ct)
    {
        if (_token is { } cached && time.GetUtcNow() < cached.RenewAt) return cached.Value;
        await _tokenLock.WaitAsync(ct);
        try
        {
            // Another caller may have fetched one while this one waited.
            if (_token is { } fresh && time.GetUtcNow() < fresh.RenewAt) return fresh.Value;

            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/oauth2/token")
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ClientId}:{options.ClientSecret}")));
            using var response = await http.SendAsync(request, ct);
            var answer = new PayPalAnswer(response.StatusCode, await ReadJsonAsync(response, ct));
            if (!answer.IsSuccess)
                throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, "no access token: " + answer.Describe(), response.Headers.RetryAfter?.Delta);

            var value = PayPalAnswer.Text(answer.Json, "access_token")
                ?? throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, "the token answer has no access_token.");
            var lifetime = answer.Json.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt64(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.FromMinutes(5);
            // Renewed a little early (5 minutes, or half of a short lifetime), so a token never expires on the way.
            var margin = lifetime > TimeSpan.FromMinutes(10) ? TimeSpan.FromMinutes(5) : lifetime / 2;
            _token = new AccessToken(value, time.GetUtcNow() + lifetime - margin);
            logger.LogInformation("Got a PayPal access token valid for {Lifetime}.", lifetime);
            return value;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    private void ForgetToken() => _token = null;

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return default;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private sealed record AccessToken(string Value, DateTimeOffset RenewAt);
}
