namespace Serverless.Shop.Domain.Common;

// The failures a use case can report. They name what went wrong in business terms; the function app maps each one
// to an HTTP status and an RFC 9457 problem in a single place (Functions/Http/Problems.cs).
public abstract class ShopException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
}

/// <summary>The input broke one or more rules. Keys are field paths as the client sent them (e.g. <c>variants[0].price</c>).</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : ShopException("The request is not valid.", DescribeFirst(errors))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });

    private static string DescribeFirst(IReadOnlyDictionary<string, string[]> errors) =>
        errors.Count == 0 ? "Validation failed." : string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}

public sealed class ResourceNotFoundException(string resource, string id)
    : ShopException($"{resource} not found.", $"There is no {resource.ToLowerInvariant()} '{id}'.");

/// <summary>Another resource already holds a value that must be unique (a slug, a SKU ...).</summary>
public sealed class DuplicateResourceException(string field, string detail) : ShopException("Conflict.", detail)
{
    public string Field { get; } = field;
}

/// <summary>The state changed in a way that forbids the request (e.g. deleting a category that still has children).</summary>
public sealed class BusinessRuleViolationException(string detail, string? field = null) : ShopException("Conflict.", detail)
{
    public string? Field { get; } = field;
}

/// <summary>The client's copy is older than the stored one (optimistic concurrency).</summary>
public sealed class StaleVersionException(string resource)
    : ShopException("The resource has changed.", $"The {resource.ToLowerInvariant()} was changed by someone else; read it again and retry with its new ETag.");

/// <summary>An update came without the version it was based on.</summary>
public sealed class VersionRequiredException()
    : ShopException("If-Match required.", "Send the resource's ETag in If-Match so a concurrent change is not overwritten.");

public sealed class InputTooLargeException(string detail) : ShopException("Payload too large.", detail);

public sealed class UnsupportedContentException(string detail) : ShopException("Unsupported media type.", detail);

/// <summary>Too many changes to the same resource at once; the client should simply try again.</summary>
public sealed class BusyResourceException(string resource)
    : ShopException("Busy.", $"The {resource.ToLowerInvariant()} is being changed by other requests right now; retry in a moment.");

/// <summary>The same idempotency key is still being processed by another request.</summary>
public sealed class RequestInProgressException()
    : ShopException("Request in progress.", "A request with this Idempotency-Key is still being processed; retry shortly.");

/// <summary>
/// Something the request needs is not configured in this deployment (a webhook's signing secret that is missing or
/// whose Key Vault reference did not resolve): the request is refused whole, and nothing is recorded.
/// </summary>
public sealed class NotConfiguredException(string detail) : ShopException("Not configured.", detail);

/// <summary>The caller sent too much too fast (a flood from one clickstream session): retry after <see cref="RetryAfter"/>.</summary>
public sealed class TooManyRequestsException(string detail, TimeSpan retryAfter) : ShopException("Too many requests.", detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
