namespace Serverless.Shop.Domain.Common;

/// <summary>One page of a listing. <see cref="ContinuationToken"/> is opaque; pass it back to get the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

public sealed record PageRequest(int Size, string? ContinuationToken)
{
    public const int DefaultSize = 24;
    public const int MaximumSize = 100;
    public const int MaximumTokenLength = 4096;

    /// <summary>A page request as it arrives in a query string: the size as text, checked to be a whole number first.</summary>
    public static PageRequest Parse(string? size, string? token, Validator v)
    {
        int? parsed = null;
        if (!string.IsNullOrEmpty(size))
        {
            if (!v.Check(int.TryParse(size, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n), "pageSize", "must be a whole number."))
                return new PageRequest(DefaultSize, null);
            parsed = n;
        }
        return From(parsed, token, v);
    }

    public static PageRequest From(int? size, string? token, Validator v)
    {
        v.Check(size is null or (>= 1 and <= MaximumSize), "pageSize", $"must be between 1 and {MaximumSize}.");
        v.Check(token is null || token.Length <= MaximumTokenLength, "continuationToken", "is not a token this API issued.");
        return new PageRequest(size ?? DefaultSize, string.IsNullOrEmpty(token) ? null : token);
    }
}

/// <summary>A stored value with the version it was read at (the Cosmos DB ETag), for optimistic concurrency.</summary>
public sealed record Versioned<T>(T Value, string Version);
