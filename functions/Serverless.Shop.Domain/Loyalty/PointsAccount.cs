namespace Serverless.Shop.Domain.Loyalty;

/// <summary>What a movement did to a customer's points (docs/loyalty.md).</summary>
public enum PointsMovementKind
{
    /// <summary>A paid order earned points; they are pending until its return window has passed.</summary>
    Earned,
    /// <summary>The return window passed: an order's pending points became available to spend.</summary>
    Released,
    /// <summary>A refund, return or cancellation took back (part of) an order's points.</summary>
    Reversed,
    /// <summary>Available points were not spent in time.</summary>
    Expired,
    /// <summary>Points spent on an order at checkout (held while it was paid for, then redeemed).</summary>
    Redeemed,
    /// <summary>Points spent on an order that was then cancelled came back.</summary>
    GivenBack,
}

/// <summary>One change of a customer's points, as the customer sees it. <see cref="Id"/> is unique within the account.</summary>
public sealed record PointsMovement(string Id, PointsMovementKind Kind, int Points, string OrderNumber, DateTimeOffset At);

/// <summary>
/// The points one order earned and what became of them. Pending until <see cref="AvailableAt"/> (delivery plus the
/// return window), then available until <see cref="ExpiresAt"/>.
/// </summary>
/// <param name="OnHold">A return was requested: the points stay pending whatever the date, until it is settled.</param>
/// <param name="Spent">Points of this order spent at checkout (the oldest to expire are spent first).</param>
public sealed record OrderPoints(
    string OrderNumber, int Earned, int Reversed, bool Available, bool OnHold,
    DateTimeOffset EarnedAt, DateTimeOffset? AvailableAt, DateTimeOffset? ExpiresAt, int Spent = 0)
{
    /// <summary>Points of this order that are still the customer's.</summary>
    public int Left => Earned - Reversed - Spent;
}

/// <summary>
/// Points a checkout holds back for the order it pays (<paramref name="OrderNumber"/>): not spendable elsewhere while
/// held; <see cref="Redeemed"/> once the order was paid and the points taken from the account.
/// </summary>
public sealed record PointsHold(string OrderNumber, int Points, DateTimeOffset At, bool Redeemed = false);

/// <summary>
/// A customer's points ledger: the orders whose points are still pending or available (<see cref="Orders"/>), the
/// recent movements, and which orders have earned already (so a redelivered event never earns twice, even after the
/// order's points were all spent, reversed or expired and its entry dropped). The rules are in <see cref="PointsRules"/>.
/// </summary>
public sealed record PointsAccount(
    string CustomerId,
    IReadOnlyList<OrderPoints> Orders,
    IReadOnlyList<PointsMovement> Movements,
    IReadOnlyList<string> EarnedOrders)
{
    /// <summary>Points held or redeemed by checkouts, by order (the latest <see cref="HoldsKept"/> redeemed ones are kept, so a retried step is recognised).</summary>
    public IReadOnlyList<PointsHold> Holds { get; init; } = [];

    public const int HoldsKept = 100;
    public const int MovementsKept = 100;
    public const int EarnedOrdersKept = 1000;

    public static PointsAccount Empty(string customerId) => new(customerId, [], [], []);

    /// <summary>Points that can be spent now: available, less what checkouts in progress hold.</summary>
    public int Available => Orders.Where(o => o.Available).Sum(o => o.Left) - Held;

    /// <summary>Points held by checkouts in progress.</summary>
    public int Held => Holds.Where(h => !h.Redeemed).Sum(h => h.Points);

    public int Pending => Orders.Where(o => !o.Available).Sum(o => o.Left);

    /// <summary>When the timer next has something to do for this account: a release or an expiry; null when nothing is scheduled.</summary>
    public DateTimeOffset? NextDueAt => Orders
        .Select(o => o.Available ? o.ExpiresAt : o.OnHold ? null : o.AvailableAt)
        .Where(at => at is not null)
        .Min();
}
