using Serverless.Shop.Domain.Carts;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// What the deployment says about the abandoned-cart flow (settings <c>Marketing:AbandonedCart:*</c>); whether it is on
/// and its delays are the merchant's flow settings (<see cref="RemindAbandonedCarts.Definition"/>). Carts idle for
/// longer than <see cref="LookBack"/> past a reminder's time are left alone, so switching the flow on does not mail
/// every old cart.
/// </summary>
/// <param name="CartPageUrl">The cart page a reminder links to with <c>?cart=&lt;id&gt;&amp;token=&lt;restore token&gt;</c>; null: the storefront's own cart page.</param>
public sealed record AbandonedCartSettings(TimeSpan LookBack, Uri? CartPageUrl)
{
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromHours(48);

    public static readonly AbandonedCartSettings Default = new(DefaultLookBack, null);
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
