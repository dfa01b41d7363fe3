using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Functions.Http;

/// <summary>
/// RFC 9457 problem details: the one error shape of the shop. Every failure, from a malformed body to a stale ETag,
/// answers with it; <c>errors</c> names each field at fault, with the field path the client used.
/// </summary>
public sealed record Problem(string Type, string Title, int Status, string? Detail, string? Instance)
{
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }
    public string? TraceId { get; init; }
}

public static class Problems
{
    public const string ContentType = "application/problem+json";
    private const string TypePrefix = "https://serverless-shop.dev/problems/";

    public static ApiResult From(Exception exception, HttpContext http) => exception switch
    {
        ValidationFailedException e => Create(http, 400, "validation-failed", e.Title, "One or more fields are not valid.", e.Errors),
        ResourceNotFoundException e => Create(http, 404, "not-found", e.Title, e.Message),
        DuplicateResourceException e => Create(http, 409, "duplicate", e.Title, e.Message, Field(e.Field, e.Message)),
        BusinessRuleViolationException e => Create(http, 409, "rule-violated", e.Title, e.Message, e.Field is null ? null : Field(e.Field, e.Message)),
        RequestInProgressException e => Create(http, 409, "request-in-progress", e.Title, e.Message).WithHeader("Retry-After", "1"),
        BusyResourceException e => Create(http, 409, "busy", e.Title, e.Message).WithHeader("Retry-After", "1"),
        StaleVersionException e => Create(http, 412, "stale-version", e.Title, e.Message, Field("If-Match", e.Message)),
        VersionRequiredException e => Create(http, 428, "version-required", e.Title, e.Message, Field("If-Match", e.Message)),
        WebhookSignatureException e => Create(http, 401, "bad-signature", e.Title, e.Message),
        TaxNotConfiguredException e => Create(http, 503, "tax-not-configured", e.Title, e.Message),
        TaxServiceUnavailableException e => Create(http, 503, "tax-service-unavailable", e.Title, e.Message).WithHeader("Retry-After", "5"),
        NoTaxRateException e => Create(http, 409, "no-tax-rate", e.Title, e.Message),
        InputTooLargeException e => Create(http, 413, "too-large", e.Title, e.Message),
        NotConfiguredException e => Create(http, 503, "not-configured", e.Title, e.Message),
        TooManyRequestsException e => Create(http, 429, "too-many-requests", e.Title, e.Message)
            .WithHeader("Retry-After", Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Domain.Customers.EmailNotVerifiedException e => Create(http, 403, "email-not-verified", e.Title, e.Message, Field("email", e.Message)),
        Domain.Reviews.ReviewNotAllowedException e => Create(http, 403, "review-not-allowed", e.Title, e.Message),
        Domain.Reviews.InvalidInvitationException e => Create(http, 403, "invalid-review-link", e.Title, e.Message, Field("invitation", e.Message)),
        UnsupportedContentException e => Create(http, 415, "unsupported-media-type", e.Title, e.Message, Field("Content-Type", e.Message)),
        JsonException e => Create(http, 400, "malformed-json", "The body is not valid JSON for this request.", Describe(e), Field(FieldOf(e), Describe(e))),
        BadHttpRequestException e when e.StatusCode == 413 => Create(http, 413, "too-large", "Payload too large.", e.Message),
        _ => Create(http, 500, "internal", "Something went wrong on our side.", "The error was logged; retry later or contact support with the trace id."),
    };

    public static ApiResult Unauthorized(HttpContext http, string detail) =>
        Create(http, 401, "unauthorized", "Sign-in required.", detail).WithHeader("WWW-Authenticate", "Bearer");

    public static ApiResult Forbidden(HttpContext http, IReadOnlyList<string> roles) =>
        Create(http, 403, "forbidden", "Not allowed.", $"This operation needs one of the roles: {string.Join(", ", roles)}.");

    public static ApiResult IdempotencyKeyMismatch(HttpContext http) =>
        Create(http, 422, "idempotency-key-reused", "Idempotency-Key reused.",
            "This Idempotency-Key was used for a different request; use a new key for a new request.", Field("Idempotency-Key", "was used for a different request."));

    public static ApiResult Create(HttpContext http, int status, string type, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(status, new Problem(TypePrefix + type, title, status, detail, http.Request.Path.Value)
        {
            Errors = errors,
            TraceId = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier,
        }, ContentType);

    private static Dictionary<string, string[]> Field(string field, string message) => new() { [field] = [message] };

    // System.Text.Json reports paths as "$.variants[0].price"; clients know the field as "variants[0].price".
    private static string FieldOf(JsonException e) => e.Path is null or "$" ? "body" : e.Path.TrimStart('$', '.');

    private static string Describe(JsonException e) => e.Path is null or "$"
        ? "The body must be a single JSON object."
        : $"'{FieldOf(e)}' has the wrong type or format" + (e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "." : $": {e.Message.Split(" Path:")[0]}");
}
