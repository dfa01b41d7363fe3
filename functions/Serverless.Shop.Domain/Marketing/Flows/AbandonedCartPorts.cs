using Serverless.Shop.Domain.Carts;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// The abandoned-cart flow, switched on by the merchant (settings <c>Marketing:AbandonedCart:*</c>, docs/marketing.md).
/// A cart with lines that nobody changed for <see cref="FirstReminderAfter"/> gets a reminder, and a second one after
/// <see cref="SecondReminderAfter"/> (counted from the same last change) when that is set. Carts idle for longer than
/// <see cref="LookBack"/> past a reminder's time are left alone, so switching the flow on does not mail every old cart.
/// </summary>
/// <param name="CartPageUrl">The storefront's cart page: a reminder links to it with <c>?cart=&lt;id&gt;&amp;token=&lt;restore token&gt;</c>.</param>
public sealed record AbandonedCartSettings(bool Enabled, TimeSpan FirstReminderAfter, TimeSpan? SecondReminderAfter, TimeSpan LookBack, Uri? CartPageUrl)
{
    public static readonly TimeSpan DefaultFirstReminderAfter = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultSecondReminderAfter = TimeSpan.FromHours(24);
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromHours(48);

    public static readonly AbandonedCartSettings Off = new(false, DefaultFirstReminderAfter, DefaultSecondReminderAfter, DefaultLookBack, null);

    /// <summary>How many reminders one idle spell of a cart gets.</summary>
    public int Reminders => SecondReminderAfter is null ? 1 : 2;

    /// <summary>How long after the cart's last change reminder <paramref name="number"/> (1 or 2) is due.</summary>
    public TimeSpan DueAfter(int number) => number == 1 ? FirstReminderAfter : SecondReminderAfter ?? throw new ArgumentOutOfRangeException(nameof(number));
}

/// <summary>A cart with lines as the store holds it, with how many reminders its current idle spell has had.</summary>
/// <param name="RemindersSent">Reminders claimed since the cart last changed (a change starts a new spell at 0).</param>
public sealed record IdleCart(Cart Cart, string Version, int RemindersSent);

/// <summary>Which carts are due: reminder n is due for a cart whose spell has had n-1 and whose last change is in its window.</summary>
/// <param name="Windows">For each reminder number (index + 1): the last change must be at or after From and before To.</param>
public sealed record IdleCartQuery(IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Windows);

/// <summary>The carts the abandoned-cart flow looks at, and its mark on each (kept on the cart document).</summary>
public interface IIdleCarts
{
    /// <summary>Carts with lines due for a reminder, a page at a time; a cart appears once per run.</summary>
    IAsyncEnumerable<IdleCart> ListDueAsync(IdleCartQuery query, CancellationToken ct);

    /// <summary>
    /// Marks the cart's spell as having had <paramref name="remindersSent"/> reminders and, when given, installs the
    /// restore token's hash, only if the cart is still at <see cref="IdleCart.Version"/>. False when the shopper changed
    /// it since (or it is gone): then nothing is sent. This mark is the send-once claim.
    /// </summary>
    Task<bool> TryMarkAsync(IdleCart cart, int remindersSent, string? restoreTokenHash, DateTimeOffset now, CancellationToken ct);
}
