using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>What a shopper sends to be told when a variant is back: the SKU, and the address (a signed-in customer may leave it out: their profile's is used).</summary>
public sealed record BackInStockInput(string? Sku, string? Email);

/// <summary>The answer to a request: the same whether the address had asked before or not.</summary>
public sealed record BackInStockAccepted(string Status, string Sku, DateTimeOffset ExpiresAt)
{
    public const string Requested = "requested";
}

/// <summary>
/// One shopper's request to be told once when a variant is back in stock (docs/marketing.md#back-in-stock). The request
/// is the shopper's consent for that one email; <see cref="Key"/> is the address's blind index, so one address asks
/// once per SKU. <see cref="Email"/> is the plain address as the store opened it (<see cref="Privacy.PersonalData.Erased"/>
/// once its owner was erased); the store seals it with <see cref="DataOwnerId"/>'s data key.
/// </summary>
public sealed record BackInStockRequest
{
    public required string Sku { get; init; }
    public required string ProductId { get; init; }
    public required string Key { get; init; }
    public required string Email { get; init; }

    /// <summary>The id of the request's own data key (a <see cref="Privacy.DataOwner.MarketingContact"/>): erasing it leaves the address unreadable everywhere.</summary>
    public required string DataOwnerId { get; init; }

    /// <summary>The customer who asked, or whose profile has this address; null for a guest. Erasure finds requests by it.</summary>
    public string? CustomerId { get; init; }

    public string? Language { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>When the request lapses unanswered (the document's TTL): <see cref="RequestedAt"/> + <see cref="NotifyBackInStock.Retention"/>.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When a run first saw the variant available again (a step with a delay waits from here); null while it is not.</summary>
    public DateTimeOffset? InStockSince { get; init; }

    /// <summary>When a run claimed it to send its email; a claimed request is never sent again (it is deleted after the send).</summary>
    public DateTimeOffset? ClaimedAt { get; init; }
}

/// <summary>The back-in-stock requests (container <c>marketing-flows</c>, one document each).</summary>
public interface IBackInStockRequests
{
    /// <summary>
    /// Stores the request unless the address already asked for this SKU (then nothing changes). The address is sealed
    /// with a data key created for the request.
    /// </summary>
    /// <returns>When the stored request expires: this one's, or the earlier request's when the address had asked before.</returns>
    Task<DateTimeOffset> AddAsync(BackInStockRequest request, CancellationToken ct);

    /// <summary>Every stored request (claimed ones too), a page at a time.</summary>
    IAsyncEnumerable<IReadOnlyList<Versioned<BackInStockRequest>>> PagesAsync(int pageSize, CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="changed"/> over the request only if it is still at its version: the claim before a send
    /// (with <see cref="BackInStockRequest.ClaimedAt"/>) and the note of when stock came back. Null when another run
    /// changed or removed it first: then nothing is sent.
    /// </summary>
    /// <returns>The new version; null when the request changed or went since it was read.</returns>
    Task<string?> TryUpdateAsync(Versioned<BackInStockRequest> request, BackInStockRequest changed, CancellationToken ct);

    /// <summary>Removes the request (after its email was sent, or when it can never be sent); removing one that is gone is harmless.</summary>
    Task DeleteAsync(string sku, string key, CancellationToken ct);

    /// <summary>The requests linked to a customer.</summary>
    Task<IReadOnlyList<BackInStockRequest>> ListByCustomerAsync(string customerId, CancellationToken ct);
}
