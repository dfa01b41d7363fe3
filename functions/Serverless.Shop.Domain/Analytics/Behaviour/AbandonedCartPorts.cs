using Serverless.Shop.Domain.Carts;

namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>
/// <c>Analytics:AbandonedCartHours</c>: a cart with lines that nobody changed for this long, and that became no order,
/// counts as abandoned (0.01 to 720 hours, default 24; below an hour only for trying it out, as the abandoned-cart
/// flow's shortest delay is).
/// </summary>
public sealed record AbandonedCartAnalyticsSettings(TimeSpan IdleAfter)
{
    public const int DefaultHours = 24;
    public const double MinimumHours = 0.01;
    public const int MaximumHours = 720;

    public static readonly AbandonedCartAnalyticsSettings Default = new(TimeSpan.FromHours(DefaultHours));
}

/// <summary>An order placed from an abandoned cart afterwards, and paid.</summary>
/// <param name="Value">The order's total in minor units of the cart's currency.</param>
/// <param name="AfterReminder">The abandoned-cart flow had reminded the shopper (the cart had a reminder, or the order came through a reminder's link).</param>
public sealed record CartRecovery(string OrderNumber, DateTimeOffset PaidAt, long Value, bool AfterReminder);

/// <summary>
/// A cart counted as abandoned, once per idle spell: its id is the cart's id and its last change. No personal data: the
/// customer's id for a signed-in customer's cart, and for a guest's cart the number of the cancelled order that holds
/// the email they gave at checkout (sealed there, opened at read time only: <see cref="ReadAbandonedCarts"/>).
/// </summary>
/// <param name="Day">The UTC day the cart went idle (its last change): the day it counts on.</param>
/// <param name="Value">What the cart cost when it was counted (pricing's total, tax included), in minor units.</param>
/// <param name="RemindersSent">Reminders the abandoned-cart flow had sent for this idle spell when it was counted.</param>
public sealed record AbandonedCart(
    string Id, string CartId, DateOnly Day, DateTimeOffset IdleSince, DateTimeOffset CountedAt, string Currency, long Value,
    int Lines, int Units, string? CustomerId, string? ContactOrderNumber, int RemindersSent, CartRecovery? Recovery)
{
    public static string IdFor(string cartId, DateTimeOffset idleSince) => $"abandoned-{cartId}-{idleSince.ToUnixTimeSeconds()}";
}

/// <summary>A cart with lines idle in the window, with the reminders its idle spell had.</summary>
public sealed record IdleCartSnapshot(Cart Cart, int RemindersSent);

/// <summary>Where abandoned carts are found (the carts container) and counted (the analytics container).</summary>
public interface IAbandonedCartStore
{
    /// <summary>Carts with lines whose last change is in [changedFrom, changedBefore).</summary>
    IAsyncEnumerable<IdleCartSnapshot> ListIdleCartsAsync(DateTimeOffset changedFrom, DateTimeOffset changedBefore, CancellationToken ct);

    /// <summary>Which of these (id, day) are counted already, in one call.</summary>
    Task<IReadOnlySet<string>> CountedAsync(IReadOnlyList<(string Id, DateOnly Day)> carts, CancellationToken ct);

    /// <summary>Counts it once: false when a record with its id exists.</summary>
    Task<bool> CountAsync(AbandonedCart cart, CancellationToken ct);

    /// <summary>The abandoned carts of the days [from, to).</summary>
    Task<IReadOnlyList<AbandonedCart>> ListAsync(DateOnly from, DateOnly to, CancellationToken ct);

    Task<IReadOnlyList<AbandonedCart>> ForCartAsync(string cartId, CancellationToken ct);

    Task<IReadOnlyList<AbandonedCart>> ForCustomerAsync(string customerId, CancellationToken ct);

    /// <summary>Marks it recovered, once: false when it was recovered already.</summary>
    Task<bool> MarkRecoveredAsync(AbandonedCart cart, CartRecovery recovery, CancellationToken ct);

    /// <summary>Takes the customer (and any contact) off the record; the counts stay.</summary>
    Task ForgetOwnerAsync(AbandonedCart cart, CancellationToken ct);
}
