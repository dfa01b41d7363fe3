using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>What one run of the abandoned-cart flow did.</summary>
/// <param name="Sent">Reminders sent.</param>
/// <param name="Skipped">Carts closed for this spell without a reminder, by reason (no known email, no consent, ordered since ...).</param>
/// <param name="Changed">Carts the shopper changed while the run looked at them: they start a new spell.</param>
public sealed record AbandonedCartRun(int Sent, IReadOnlyDictionary<string, int> Skipped, int Changed);

/// <summary>
/// The abandoned-cart flow (run by a timer): a cart with lines, a known email and no order since, idle for the delay
/// of the flow's first step, gets a reminder with a link that restores it, and one for its second step if it has one.
/// The merchant switches it on and sets the delays (each counted from the cart's last change) through the flows API. It stops at purchase:
/// paying closes (deletes) the cart, and a cart whose checkout placed an order that is not cancelled is left alone.
/// <para>
/// The email is known for a signed-in customer's cart (their profile) and for a guest cart whose checkout was started
/// and then cancelled, unpaid (the order's email), as with Shopify's abandoned checkouts. Only people who may get
/// marketing email (consent, not suppressed: <see cref="IMarketingAudience.MaySendAsync"/>) are sent to.
/// </para>
/// <para>
/// Each reminder is sent at most once: the run first marks the cart (a write conditional on the version it read,
/// which also installs the link's restore token) and sends only when that mark landed. A run killed between the mark
/// and the send skips that reminder rather than repeat it; two runs at once send one. Tests: RemindAbandonedCartsTests.
/// </para>
/// </summary>
public sealed class RemindAbandonedCarts(
    IIdleCarts carts, IOrderStore orders, ICustomerProfileStore profiles, IMarketingAudience audience, IPersonalDataVault vault,
    FlowSettingsReader flows, FlowEmails emails, ICartPricing pricing, AbandonedCartSettings settings, StorefrontSite storefront, TimeProvider clock)
{
    /// <summary>The flow's id in results and unsubscribe links (<see cref="EmailCustomArgs.CampaignId"/>).</summary>
    public const string FlowId = "flow-abandoned-cart";

    /// <summary>One or two reminders, each 36 seconds to 14 days after the cart's last change; the email is built in (it lists the cart).</summary>
    public static readonly FlowDefinition Definition = new(
        FlowId, "Abandoned cart",
        "Reminds a shopper of a cart with lines, idle since its last change, whose email is known and who has not ordered since; the link restores the cart.",
        MaxSteps: 2, MinDelay: TimeSpan.FromHours(0.01), MaxDelay: TimeSpan.FromDays(14), MessageEditable: false, UsesSegments: false,
        DefaultSteps: [new FlowStep(TimeSpan.FromHours(1), null), new FlowStep(TimeSpan.FromHours(24), null)], DefaultSegments: []);

    public static class SkipReasons
    {
        public const string NoEmail = "no-known-email";
        public const string NoConsent = "no-email-consent";
        public const string Ordered = "ordered-since";
        public const string NothingToBuy = "nothing-left-to-buy";
    }

    public async Task<AbandonedCartRun> RunAsync(CancellationToken ct)
    {
        var flow = await flows.CurrentAsync(FlowId, ct);
        if (!flow.Enabled) return new(0, new Dictionary<string, int>(), 0);
        // Not configured (no storefront address): NotConfiguredException now, before any cart is claimed.
        var cartPage = settings.CartPageUrl ?? storefront.Settings.UrlOf(StorefrontPaths.Cart);
        var reminders = flow.Steps.Count;
        var now = clock.GetUtcNow();
        var sent = 0;
        var changed = 0;
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);

        await foreach (var cart in carts.ListDueAsync(Windows(flow, now), ct))
        {
            var reminder = cart.RemindersSent + 1;
            if (reminder > reminders) continue;

            var (contact, reason) = await ContactAsync(cart.Cart, ct);
            if (contact is null)
            {
                // Closing the spell keeps the cart out of later runs until the shopper changes it again.
                if (await carts.TryMarkAsync(cart, reminders, null, now, ct)) skipped[reason!] = skipped.GetValueOrDefault(reason!) + 1;
                else changed++;
                continue;
            }

            var priced = await pricing.PriceAsync(new CartPricingInput(
                [.. cart.Cart.Lines.Select(l => new CartLineRef(l.LineId, l.ProductId, l.Sku, l.Quantity))], cart.Cart.Codes, cart.Cart.CustomerId, cart.Cart.ShipTo, null), ct);
            if (priced.Lines.All(l => l.Problem is not null))
            {
                if (await carts.TryMarkAsync(cart, reminders, null, now, ct)) skipped[SkipReasons.NothingToBuy] = skipped.GetValueOrDefault(SkipReasons.NothingToBuy) + 1;
                else changed++;
                continue;
            }

            // A guest cart opens with a new token of its own, since the shopper's token is kept only as its hash; a
            // customer's cart opens when they sign in.
            var restoreToken = cart.Cart.IsAnonymous ? CartRules.NewToken() : null;
            if (!await carts.TryMarkAsync(cart, reminder, restoreToken is null ? null : CartRules.HashToken(restoreToken), now, ct))
            {
                changed++;
                continue;
            }

            var recipient = new MarketingRecipient(await vault.BlindIndexAsync(BlindIndexKind.Email, contact.Email, ct), contact.Email, cart.Cart.CustomerId, contact.Language, contact.Name);
            await emails.SendRenderedAsync(FlowId, reminder, AbandonedCartEmail.Compose(recipient, reminder, priced, RestoreLink(cartPage, cart.Cart, restoreToken)), recipient, ct);
            sent++;
        }
        return new(sent, skipped, changed);
    }

    /// <summary>Reminder n is due for carts last changed at least its delay ago, and at most the look-back before that.</summary>
    private IdleCartQuery Windows(FlowSettings flow, DateTimeOffset now) => new(
        [.. flow.Steps.Select(step => (now - step.Delay - settings.LookBack, now - step.Delay))]);

    private sealed record Contact(string Email, string? Name, string? Language);

    private async Task<(Contact? Contact, string? Reason)> ContactAsync(Cart cart, CancellationToken ct)
    {
        // An order placed from this cart that is not cancelled is a purchase in progress or done: no reminder.
        var fromCart = await orders.SearchAsync(new OrderSearch(CartId: cart.Id), new PageRequest(5, null), ct);
        if (fromCart.Items.Any(o => o.Status != OrderStatus.Cancelled)) return (null, SkipReasons.Ordered);

        Contact? contact;
        if (cart.CustomerId is { } customerId)
        {
            var since = await orders.SearchAsync(new OrderSearch(CustomerId: customerId, CreatedFrom: cart.UpdatedAt), new PageRequest(5, null), ct);
            if (since.Items.Any(o => o.Status != OrderStatus.Cancelled)) return (null, SkipReasons.Ordered);
            var profile = (await profiles.FindAsync(customerId, ct))?.Value;
            contact = profile?.Email is { Length: > 0 } address && address != PersonalData.Erased ? new(address, profile.Name, profile.Language) : null;
        }
        else
        {
            // A guest's email is known only from a checkout they started from this cart (the newest one).
            contact = fromCart.Items.FirstOrDefault() is { } order && order.Email != PersonalData.Erased ? new(order.Email, null, null) : null;
        }

        if (contact is null) return (null, SkipReasons.NoEmail);
        return await audience.MaySendAsync(contact.Email, ct) ? (contact, null) : (null, SkipReasons.NoConsent);
    }

    private static Uri RestoreLink(Uri page, Cart cart, string? restoreToken)
    {
        var query = $"cart={Uri.EscapeDataString(cart.Id)}" + (restoreToken is null ? "" : $"&token={Uri.EscapeDataString(restoreToken)}");
        var builder = new UriBuilder(page) { Query = string.IsNullOrEmpty(page.Query) ? query : page.Query.TrimStart('?') + "&" + query };
        return builder.Uri;
    }
}
