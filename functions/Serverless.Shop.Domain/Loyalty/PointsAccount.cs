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
}

/// <summary>One change of a customer's points, as the customer sees it. <see cref="Id"/> is unique within the account.</summary>
public sealed record PointsMovement(string Id, PointsMovementKind Kind, int Points, string OrderNumber, DateTimeOffset At);

/// <summary>
/// The points one order earned and what became of them. Pending until <see cref="AvailableAt"/> (delivery plus the
/// return window), then available until <see cref="ExpiresAt"/>.
/// </summary>
/// <param name="OnHold">A return was requested: the points stay pending whatever the date, until it is settled.</param>
public sealed record OrderPoints(
    string OrderNumber, int Earned, int Reversed, bool Available, bool OnHold,
    DateTimeOffset EarnedAt, DateTimeOffset? AvailableAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>Points of this order that are still the customer's.</summary>
    public int Left => Earned - Reversed;
}

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
    public const int MovementsKept = 100;
    public const int EarnedOrdersKept = 1000;

    public static PointsAccount Empty(string customerId) => new(customerId, [], [], []);

    public int Available => Orders.Where(o => o.Available).Sum(o => o.Left);

    public int Pending => Orders.Where(o => !o.Available).Sum(o => o.Left);

    /// <summary>When the timer next has something to do for this account: a release or an expiry; null when nothing is scheduled.</summary>
    public DateTimeOffset? NextDueAt => Orders
        .Select(o => o.Available ? o.ExpiresAt : o.OnHold ? null : o.AvailableAt)
        .Where(at => at is not null)
        .Min();
}
