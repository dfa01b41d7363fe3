using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Carts;

/// <summary>
/// What every cart use case (<see cref="ManageCarts"/>, <see cref="CartCodes"/>, <see cref="CartCheckoutDetails"/>,
/// <see cref="MergeCarts"/>) shares: opening a cart the caller may see or change, saving a change with a retry on a
/// concurrent write, and the cart priced on the server for the answer.
/// </summary>
internal sealed class CartChanges(ICartStore carts, ICartPricing pricing, CartSettings settings, TimeProvider clock)
{
    internal const int MaximumAttempts = 8;

    /// <summary>
    /// A live cart the caller may see (or change). A cart that does not exist, has expired, or is not the caller's is not
    /// found: the answer never tells which.
    /// </summary>
    public async Task<Versioned<Cart>> OpenAsync(string cartId, CartAccess access, bool forChange, CancellationToken ct)
    {
        var found = CartRules.IsCartId(cartId) ? await carts.FindAsync(cartId, ct) : null;
        if (found is null || found.Value.IsExpiredAt(clock.GetUtcNow()) || !(forChange ? access.CanChange(found.Value) : access.CanRead(found.Value)))
            throw new ResourceNotFoundException("Cart", cartId);
        return found;
    }

    /// <summary>Opens the cart for change and applies <paramref name="change"/>, answering with the cart priced.</summary>
    public async Task<Versioned<CartView>> OpenChangeAndViewAsync(string cartId, CartAccess access, string? ifMatch, Func<Cart, Cart> change, CancellationToken ct)
    {
        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        return await ViewAsync(await ChangeAsync(cart, access, ifMatch, change, ct), [], ct);
    }

    /// <summary>Records a visit that led to the cart: the first touch is kept, a later one becomes the last.</summary>
    public async Task<Versioned<CartView>> RecordVisitAsync(string cartId, MarketingTouch touch, CartAccess access, string? ifMatch, CancellationToken ct) =>
        await OpenChangeAndViewAsync(cartId, access, ifMatch, c => c.WithTouch(touch), ct);

    // Read, change, write with the version read; on a concurrent write read again and re-apply the change, so two adds
    // at once both land. With If-Match the client asked for its version only: a conflict is then the client's to resolve.
    public async Task<Versioned<Cart>> ChangeAsync(Versioned<Cart> current, CartAccess access, string? ifMatch, Func<Cart, Cart> change, CancellationToken ct)
    {
        if (ifMatch is not null && ifMatch != current.Version) throw new StaleVersionException("Cart");
        for (var attempt = 1; ; attempt++)
        {
            var after = change(current.Value);
            if (ReferenceEquals(after, current.Value)) return current;
            after = after.Touch(clock.GetUtcNow(), settings.Inactivity);
            try
            {
                return new Versioned<Cart>(after, await carts.ReplaceAsync(after, current.Version, ct));
            }
            catch (StaleVersionException) when (ifMatch is null)
            {
                if (attempt >= MaximumAttempts) throw new BusyResourceException("Cart");
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
                current = await OpenAsync(current.Value.Id, access, forChange: true, ct);
            }
        }
    }

    public async Task<Versioned<CartView>> ViewAsync(Versioned<Cart> versioned, IReadOnlyList<CartWarning> warnings, CancellationToken ct)
    {
        var cart = versioned.Value;
        var input = new CartPricingInput(
            cart.Lines.Select(l => new CartLineRef(l.LineId, l.ProductId, l.Sku, l.Quantity)).ToList(),
            cart.Codes, cart.CustomerId, cart.ShipTo, null);
        PricedCart priced;
        CartWarning? noTaxRate = null;
        try
        {
            priced = await pricing.PriceAsync(input, ct);
        }
        catch (NoTaxRateException e)
        {
            // The shopper still sees the cart (without tax for that place) and why checkout will refuse the address.
            priced = await pricing.PriceAsync(input with { TaxLocation = null }, ct);
            noTaxRate = new CartWarning(CartWarning.NoTaxRate, e.Message);
        }
        var unavailable = priced.Lines.Where(l => l.Problem is not null)
            .Select(l => new CartWarning(CartWarning.LineUnavailable, l.Problem!) { LineId = l.LineId, Sku = l.Sku });
        if (noTaxRate is not null) unavailable = unavailable.Append(noTaxRate);
        return new Versioned<CartView>(new CartView(
            cart.Id, cart.CustomerId, cart.Lines, cart.Codes, cart.ShipTo, cart.Currency, cart.CreatedAt, cart.UpdatedAt, cart.ExpiresAt,
            priced, [.. warnings, .. unavailable]) { Attribution = cart.Attribution }, versioned.Version);
    }
}
