using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>What one run of <see cref="CountAbandonedCarts"/> did.</summary>
/// <param name="Counted">Carts newly counted as abandoned.</param>
/// <param name="Ordered">Idle carts left out because an order came of them (not cancelled), or the customer ordered since.</param>
/// <param name="AlreadyCounted">Idle carts counted by an earlier run.</param>
public sealed record AbandonedCartRunResult(int Counted, int Ordered, int AlreadyCounted);

/// <summary>
/// Counts abandoned carts (by timer, hourly): a cart with lines that nobody changed for
/// <see cref="AbandonedCartAnalyticsSettings.IdleAfter"/> and that became no order counts as abandoned on the day it
/// went idle, with its value as pricing prices it then. Once per idle spell: the record's id is the cart's id and its
/// last change, and counting is a create that fails on an existing id; a cart the shopper changes and leaves again is a
/// new spell. A run looks <see cref="LookBack"/> past the idle time, so runs missed for up to that long lose nothing.
/// <para>
/// "Became an order" as the abandoned-cart flow sees it: paying closes (deletes) the cart, so a paid cart is never
/// found; an order placed from the cart that is not cancelled (awaiting payment) keeps it out; a signed-in customer's
/// order placed since the cart's last change does too. A guest's checkout that was cancelled unpaid leaves an
/// abandoned cart (Shopify's abandoned checkout). Tests: AbandonedCartCountingTests.
/// </para>
/// </summary>
public sealed class CountAbandonedCarts(
    IAbandonedCartStore store, IOrderStore orders, ICartPricing pricing, AbandonedCartAnalyticsSettings settings, TimeProvider clock)
{
    public static readonly TimeSpan LookBack = TimeSpan.FromHours(48);

    public async Task<AbandonedCartRunResult> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var before = now - settings.IdleAfter;
        var idle = new List<IdleCartSnapshot>();
        await foreach (var cart in store.ListIdleCartsAsync(before - LookBack, before, ct)) idle.Add(cart);
        if (idle.Count == 0) return new(0, 0, 0);

        var counted = await store.CountedAsync([.. idle.Select(c => (AbandonedCart.IdFor(c.Cart.Id, c.Cart.UpdatedAt), SessionTrail.DayOf(c.Cart.UpdatedAt)))], ct);
        int added = 0, ordered = 0, already = 0;
        foreach (var (cart, reminders) in idle)
        {
            var id = AbandonedCart.IdFor(cart.Id, cart.UpdatedAt);
            if (counted.Contains(id))
            {
                already++;
                continue;
            }

            var fromCart = await orders.SearchAsync(new OrderSearch(CartId: cart.Id), new PageRequest(5, null), ct);
            var orderedSince = fromCart.Items.Any(o => o.Status != OrderStatus.Cancelled)
                || (cart.CustomerId is { } customer
                    && (await orders.SearchAsync(new OrderSearch(CustomerId: customer, CreatedFrom: cart.UpdatedAt), new PageRequest(5, null), ct)).Items.Any(o => o.Status != OrderStatus.Cancelled));
            if (orderedSince)
            {
                ordered++;
                continue;
            }

            var priced = await pricing.PriceAsync(new CartPricingInput(
                [.. cart.Lines.Select(l => new CartLineRef(l.LineId, l.ProductId, l.Sku, l.Quantity))], cart.Codes, cart.CustomerId, cart.ShipTo, null), ct);
            var record = new AbandonedCart(
                id, cart.Id, SessionTrail.DayOf(cart.UpdatedAt), cart.UpdatedAt, now, priced.Currency, MinorUnits(priced.Total),
                cart.Lines.Count, cart.Lines.Sum(l => l.Quantity), cart.CustomerId,
                // A guest's address is known only from a checkout they started from this cart (its newest order, cancelled).
                cart.CustomerId is null ? fromCart.Items.FirstOrDefault()?.Number : null,
                reminders, null);
            if (await store.CountAsync(record, ct)) added++;
            else already++;
        }
        return new(added, ordered, already);
    }

    internal static long MinorUnits(Money money) => MoneyRounding.ToMinorUnits(money.Amount, Currencies.MinorDigits(money.Currency));
}

/// <summary>
/// When an order placed from an abandoned cart is paid (an <see cref="IOrderChangeReaction"/> on
/// <see cref="OrderChange.Paid"/>), marks the cart's latest abandonment before the order recovered, with the order's
/// total; "after a reminder" when the abandoned-cart flow had reminded the shopper (its reminder count on the record)
/// or the order's visits came through a reminder's link (<c>utm_campaign</c> = the flow's id). The cart is the one
/// checkout was started from (<see cref="CheckoutResumeInputs.CartId"/>). Once: marking is conditional on the record
/// not being recovered yet, so a redelivered event changes nothing.
/// </summary>
public sealed class RecoverAbandonedCarts(IAbandonedCartStore store) : IOrderChangeReaction
{
    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (entry.Change != OrderChange.Paid || order.CheckoutInputs?.CartId is not { } cartId) return;
        var records = await store.ForCartAsync(cartId, ct);
        if (records.Any(r => r.Recovery?.OrderNumber == order.Number)) return;
        var abandoned = records.Where(r => r.Recovery is null && r.IdleSince <= order.CreatedAt).MaxBy(r => r.IdleSince);
        if (abandoned is null) return;
        var throughReminder = order.Attribution is { } journey
            && (journey.FirstTouch.UtmCampaign == RemindAbandonedCarts.FlowId || journey.LastTouch.UtmCampaign == RemindAbandonedCarts.FlowId);
        await store.MarkRecoveredAsync(abandoned, new CartRecovery(order.Number, order.PaidAt ?? entry.At,
            CountAbandonedCarts.MinorUnits(order.Pricing.Total), abandoned.RemindersSent > 0 || throughReminder), ct);
    }
}

/// <summary>
/// Counts each paid order once on the day it was paid, and per product it holds: the funnel's purchase step. Orders
/// carry no clickstream session, so the step counts orders, not sessions (docs/analytics.md#behaviour).
/// </summary>
public sealed class CountPurchases(IBehaviourStore store) : IOrderChangeReaction
{
    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (entry.Change != OrderChange.Paid) return;
        var products = order.Pricing.Lines.Select(l => l.ProductId).Where(Ids.IsWellFormed).Distinct(StringComparer.Ordinal).ToList();
        await store.CountPurchaseAsync(SessionTrail.DayOf(order.PaidAt ?? entry.At), order.Number, products, ct);
    }
}
