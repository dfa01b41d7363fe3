namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>
/// Sessions that reached each step of the buying funnel in a period (a session counts once per step), for the whole
/// shop or one product. Conversion rates are against the step before and against the first.
/// </summary>
public sealed record FunnelCounts(long Viewed, long AddedToCart, long StartedCheckout, long Purchased);

/// <summary>Abandoned carts of one day in one currency: how many and their value (minor units), and how many of them were recovered (an order followed, after a reminder when there was one) and for how much.</summary>
public sealed record AbandonedCartDay(DateOnly Day, string Currency, long Count, long Value, long Recovered, long RecoveredValue, long RecoveredAfterReminder);

/// <summary>What the behaviour processors built, read (from their Cosmos DB documents, never from raw events).</summary>
public interface IBehaviourAnalytics
{
    /// <summary>The funnel over the half-open day range [from, to), for the shop (productId null) or one product.</summary>
    Task<FunnelCounts> FunnelAsync(DateOnly from, DateOnly to, string? productId, CancellationToken ct);

    Task<IReadOnlyList<AbandonedCartDay>> AbandonedCartsAsync(DateOnly from, DateOnly to, CancellationToken ct);
}
