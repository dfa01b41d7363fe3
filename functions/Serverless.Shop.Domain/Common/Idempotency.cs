namespace Serverless.Shop.Domain.Common;

/// <summary>A response stored under an Idempotency-Key, replayed to a retry of the same request.</summary>
public sealed record StoredResponse(int StatusCode, string? Body, IReadOnlyDictionary<string, string> Headers);

public abstract record IdempotencyClaim
{
    /// <summary>This request is the first with the key: run it, then <see cref="IIdempotencyStore.CompleteAsync"/>.</summary>
    public sealed record Granted : IdempotencyClaim;

    /// <summary>An earlier request with the key finished: answer with its response.</summary>
    public sealed record Replay(StoredResponse Response) : IdempotencyClaim;

    /// <summary>An earlier request with the key is still running.</summary>
    public sealed record InProgress : IdempotencyClaim;

    /// <summary>The key was used before for a different request (other body or route).</summary>
    public sealed record Mismatch : IdempotencyClaim;
}

/// <summary>Remembers creating requests by key for 24 hours, so a client's retry gets the first result, never a second resource.</summary>
public interface IIdempotencyStore
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>How long a claim may stay unfinished before it counts as abandoned (its process died) and may be taken over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    Task<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken ct);
    Task CompleteAsync(string key, StoredResponse response, CancellationToken ct);

    /// <summary>Forgets a claim whose request failed in a way a retry may fix (a server error), so the retry runs again.</summary>
    Task ReleaseAsync(string key, CancellationToken ct);
}
