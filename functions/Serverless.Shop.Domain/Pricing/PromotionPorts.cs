using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// Where promotions live. Codes are unique across the shop: <see cref="CreateAsync"/> and <see cref="ReplaceAsync"/>
/// throw <see cref="DuplicateResourceException"/> (field <c>code</c>) when another promotion holds the code, and write
/// nothing. The same store serves the pricing engine as <see cref="IPromotionCatalog"/>.
/// </summary>
public interface IPromotionStore
{
    Task<Versioned<Promotion>?> FindByIdAsync(string id, CancellationToken ct);

    /// <summary>The promotions with these ids, in one call (naming the promotions of a sales report). Missing ids are left out; the order is not defined.</summary>
    Task<IReadOnlyList<Versioned<Promotion>>> FindManyByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct);

    /// <summary>A page of promotions matching the filter, newest first.</summary>
    Task<Page<Promotion>> ListAsync(PromotionFilter filter, PageRequest page, CancellationToken ct);

    /// <returns>The new version.</returns>
    Task<string> CreateAsync(Promotion promotion, CancellationToken ct);

    /// <summary>Replaces <paramref name="previous"/> if it is still at its version, else throws <see cref="StaleVersionException"/>.</summary>
    Task<string> ReplaceAsync(Promotion promotion, Versioned<Promotion> previous, CancellationToken ct);

    /// <summary>Deletes the promotion and frees its code.</summary>
    Task DeleteAsync(Promotion promotion, string expectedVersion, CancellationToken ct);
}

/// <summary>
/// Which promotions a listing shows. <see cref="LiveAt"/> with <see cref="Live"/>: true keeps promotions that apply at
/// that instant (enabled, within their window), false those that do not. <see cref="CodePrefix"/> is upper-case.
/// </summary>
public sealed record PromotionFilter(bool? Live, DateTimeOffset LiveAt, bool? Enabled, string? CodePrefix);

/// <summary>A counter of uses of one promotion: all uses (held and redeemed), redeemed ones, or one customer's.</summary>
public sealed record UsageCounter(string Name, string? CustomerId)
{
    /// <summary>Held plus redeemed uses: what <see cref="Promotion.UsageLimit"/> caps.</summary>
    public static readonly UsageCounter Uses = new("uses", null);

    /// <summary>Uses made final by a paid order (for reports; the limit counts <see cref="Uses"/>).</summary>
    public static readonly UsageCounter Redemptions = new("redemptions", null);

    /// <summary>One customer's held plus redeemed uses: what <see cref="Promotion.PerCustomerLimit"/> caps.</summary>
    public static UsageCounter Customer(string customerId) => new("customer", customerId);
}

public enum PromotionUseState { Held, Redeemed, Released }

/// <summary>
/// One order's use of one promotion: the record that makes holding, redeeming and releasing idempotent by order.
/// <see cref="CountedForCustomer"/> says whether the hold took a unit of the customer's counter, so a release gives
/// back exactly what was taken even if the promotion's limits changed since.
/// </summary>
public sealed record PromotionUse(
    string PromotionId, string OrderId, string? CustomerId, bool CountedForCustomer, PromotionUseState State, DateTimeOffset ChangedAt);

/// <summary>
/// The usage counters and per-order use records of promotions. Counters change atomically on the store's side, so
/// concurrent checkouts never take more units than the limit however many run at once.
/// </summary>
public interface IPromotionUsageStore
{
    /// <summary>Adds one to the counter if it is below <paramref name="limit"/> (no limit when null). Returns false, changing nothing, when it is not.</summary>
    Task<bool> TryIncrementAsync(string promotionId, UsageCounter counter, int? limit, CancellationToken ct);

    /// <summary>Takes one from the counter, never below zero.</summary>
    Task DecrementAsync(string promotionId, UsageCounter counter, CancellationToken ct);

    /// <summary>The current values of <see cref="UsageCounter.Uses"/> and <see cref="UsageCounter.Redemptions"/> (0 when never counted).</summary>
    Task<(int Uses, int Redemptions)> GetCountsAsync(string promotionId, CancellationToken ct);

    Task<Versioned<PromotionUse>?> FindUseAsync(string promotionId, string orderId, CancellationToken ct);

    /// <summary>Creates the record (<paramref name="expectedVersion"/> null) or replaces it at that version; <see cref="StaleVersionException"/> when another writer was first.</summary>
    Task<string> SaveUseAsync(PromotionUse use, string? expectedVersion, CancellationToken ct);
}
