using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Carts;

/// <summary>
/// Shopping carts: anonymous (opened with a cart token) and customer carts (one active cart per customer). Every answer
/// is the cart priced on the server just now, so a price a client sends never counts. Stock is checked when a line is
/// added or its quantity changes (and again at checkout). Changes retry on a concurrent write, so two adds at once both land.
/// </summary>
public sealed class ManageCarts(
    ICartStore carts, IProductStore products, ManageStock stock, IPromotionCatalog promotions, ICartPricing pricing,
    CartSettings settings, ShopSettings shop, TimeProvider clock)
{
    private const int MaximumAttempts = 8;

    /// <summary>
    /// A new anonymous cart with its token, or, for a signed-in customer, their active cart (created when they have none;
    /// an existing one comes back unchanged).
    /// </summary>
    public async Task<CartCreation> CreateAsync(CreateCartInput? input, CartAccess access, CancellationToken ct)
    {
        var v = new Validator();
        var shipTo = input?.ShipTo is null ? null : CartRules.ShipTo(input.ShipTo, "shipTo", v);
        var touch = input?.Attribution is null ? null : AttributionRules.Validate(input.Attribution, "attribution", clock.GetUtcNow(), v);
        v.ThrowIfInvalid();

        if (access.CustomerId is { } customerId)
        {
            var opened = await OpenCustomerCartAsync(customerId, shipTo, touch, ct);
            // An existing cart comes back as it was; the visit that opened it again still counts.
            return opened.IsNew || touch is null ? opened : opened with { Cart = await RecordVisitAsync(opened.Cart.Value.Id, touch, access, null, ct) };
        }

        var token = CartRules.NewToken();
        var cart = Cart.New(CartRules.NewCartId(), null, CartRules.HashToken(token), shipTo, shop.Currency, clock.GetUtcNow(), settings.Inactivity);
        if (touch is not null) cart = cart.WithTouch(touch);
        var version = await carts.CreateAsync(cart, ct);
        var view = await ViewAsync(new Versioned<Cart>(cart, version), [], ct);
        return new CartCreation(view with { Value = view.Value with { CartToken = token } }, IsNew: true);
    }

    public async Task<Versioned<CartView>> GetAsync(string cartId, CartAccess access, CancellationToken ct) =>
        await ViewAsync(await OpenAsync(cartId, access, forChange: false, ct), [], ct);

    /// <summary>The signed-in customer's active cart; not found when they have none.</summary>
    public async Task<Versioned<CartView>> GetCustomerCartAsync(CartAccess access, CancellationToken ct)
    {
        var customerId = access.CustomerId ?? throw new ResourceNotFoundException("Cart", "of this customer");
        var cart = (await FindCustomerCartAsync(customerId, ct))?.Cart ?? throw new ResourceNotFoundException("Cart", "of this customer");
        return await ViewAsync(cart, [], ct);
    }

    /// <summary>
    /// Opens a live cart the caller may see (or change), for checkout and the cart's own operations. A cart that does not
    /// exist, has expired, or is not the caller's is not found: the answer never tells which.
    /// </summary>
    public async Task<Versioned<Cart>> OpenAsync(string cartId, CartAccess access, bool forChange, CancellationToken ct)
    {
        var found = CartRules.IsCartId(cartId) ? await carts.FindAsync(cartId, ct) : null;
        if (found is null || found.Value.IsExpiredAt(clock.GetUtcNow()) || !(forChange ? access.CanChange(found.Value) : access.CanRead(found.Value)))
            throw new ResourceNotFoundException("Cart", cartId);
        return found;
    }

    /// <summary>Adds units of an active product's variant; units of a variant already in the cart are added to its line.</summary>
    public async Task<Versioned<CartView>> AddLineAsync(string cartId, AddCartLineInput input, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        var productId = input.ProductId?.Trim();
        var sku = input.Sku?.Trim().ToUpperInvariant();
        if (v.Required(productId, "productId")) v.Check(Ids.IsWellFormed(productId), "productId", "is not a product id this shop issues.");
        if (v.Required(sku, "sku")) v.Check(ProductRules.IsValidSku(sku), "sku", "is not a valid SKU.");
        if (v.Required(input.Quantity, "quantity"))
            v.Check(input.Quantity is >= 1 and <= Cart.MaximumQuantityPerLine, "quantity", $"must be from 1 to {Cart.MaximumQuantityPerLine}.");
        v.ThrowIfInvalid();

        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        // One point read tells whether the variant exists and is for sale: the client names the product it shows.
        var product = await products.FindByIdAsync(productId!, ct);
        if (product is null || !product.Value.IsVisibleToShoppers)
            throw ValidationFailedException.For("productId", "is not a product for sale in this shop.");
        if (product.Value.Variants.All(x => x.Sku != sku))
            throw ValidationFailedException.For("sku", $"is not a variant of product {productId}.");
        var available = await stock.GetAvailableAsync([sku!], ct);

        var lineId = Ids.New("line");
        var changed = await ChangeAsync(cart, access, ifMatch, c =>
        {
            var after = c.AddLine(productId!, sku!, input.Quantity!.Value, lineId, clock.GetUtcNow());
            EnsureInStock(after, sku!, available);
            return after;
        }, ct);
        return await ViewAsync(changed, [], ct);
    }

    /// <summary>Sets a line's quantity (0 removes it). The new quantity must be in stock.</summary>
    public async Task<Versioned<CartView>> UpdateLineAsync(string cartId, string lineId, UpdateCartLineInput input, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Required(input.Quantity, "quantity"))
            v.Check(input.Quantity is >= 0 and <= Cart.MaximumQuantityPerLine, "quantity", $"must be from 0 (removes the line) to {Cart.MaximumQuantityPerLine}.");
        v.ThrowIfInvalid();
        var quantity = input.Quantity!.Value;

        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        var line = cart.Value.FindLine(lineId) ?? throw new ResourceNotFoundException("Cart line", lineId);
        var available = quantity == 0 ? null : await stock.GetAvailableAsync([line.Sku], ct);

        var changed = await ChangeAsync(cart, access, ifMatch, c =>
        {
            var after = c.SetQuantity(lineId, quantity);
            if (available is not null && !ReferenceEquals(after, c)) EnsureInStock(after, line.Sku, available);
            return after;
        }, ct);
        return await ViewAsync(changed, [], ct);
    }

    public async Task<Versioned<CartView>> RemoveLineAsync(string cartId, string lineId, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        return await ViewAsync(await ChangeAsync(cart, access, ifMatch, c => c.RemoveLine(lineId), ct), [], ct);
    }

    public async Task<Versioned<CartView>> ClearAsync(string cartId, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        return await ViewAsync(await ChangeAsync(cart, access, ifMatch, c => c.Clear(), ct), [], ct);
    }

    /// <summary>
    /// Puts a discount code on the cart. A code the shop does not know is refused; a known code that gives nothing now
    /// (expired, minimum not met, not for these items ...) stays on the cart, and the pricing says why it does not apply.
    /// </summary>
    public async Task<Versioned<CartView>> AddCodeAsync(string cartId, AddCartCodeInput input, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        var code = input.Code is null ? null : PromotionRules.NormaliseCode(input.Code);
        if (v.Required(code, "code"))
            v.Check(PromotionRules.IsValidCode(code), "code", "must be 3 to 32 letters, digits, '-' or '_'.");
        v.ThrowIfInvalid();

        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        if (!cart.Value.Codes.Contains(code!))
        {
            if (cart.Value.Codes.Count >= Cart.MaximumCodes) throw Cart.TooManyCodes();
            var known = await promotions.FindByCodesAsync([code!], ct);
            if (!known.Any(p => string.Equals(p.Code, code, StringComparison.Ordinal)))
                throw ValidationFailedException.For("code", $"'{code}' is not a discount code of this shop.");
        }
        return await ViewAsync(await ChangeAsync(cart, access, ifMatch, c => c.AddCode(code!), ct), [], ct);
    }

    public async Task<Versioned<CartView>> RemoveCodeAsync(string cartId, string code, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var normalised = PromotionRules.NormaliseCode(code);
        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        return await ViewAsync(await ChangeAsync(cart, access, ifMatch, c => c.RemoveCode(normalised), ct), [], ct);
    }

    /// <summary>Where the goods go, so the cart shows the right tax.</summary>
    public async Task<Versioned<CartView>> SetShipToAsync(string cartId, ShipToInput input, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        var shipTo = CartRules.ShipTo(input, "", v);
        v.ThrowIfInvalid();
        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        return await ViewAsync(await ChangeAsync(cart, access, ifMatch, c => c.WithShipTo(shipTo!), ct), [], ct);
    }

    /// <summary>Records a visit that led to the cart (UTM parameters, click ids): the first touch is kept, a later one becomes the last.</summary>
    public async Task<Versioned<CartView>> RecordAttributionAsync(string cartId, AttributionInput input, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        var touch = AttributionRules.Validate(input, "", clock.GetUtcNow(), v);
        v.ThrowIfInvalid();
        return await RecordVisitAsync(cartId, touch!, access, ifMatch, ct);
    }

    private async Task<Versioned<CartView>> RecordVisitAsync(string cartId, MarketingTouch touch, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var cart = await OpenAsync(cartId, access, forChange: true, ct);
        return await ViewAsync(await ChangeAsync(cart, access, ifMatch, c => c.WithTouch(touch), ct), [], ct);
    }

    /// <summary>
    /// At sign-in: takes the anonymous cart (opened with its token) into the customer's cart, then deletes it. Units of
    /// the same variant add up (capped), codes are united; what does not fit comes back as warnings. Repeating the merge
    /// after it succeeded (the anonymous cart is gone) returns the customer's cart unchanged.
    /// </summary>
    public async Task<Versioned<CartView>> MergeAsync(string targetCartId, MergeCartsInput input, CartAccess access, CancellationToken ct)
    {
        var v = new Validator();
        var sourceId = input.SourceCartId?.Trim();
        if (v.Required(sourceId, "sourceCartId"))
            v.Check(sourceId != targetCartId, "sourceCartId", "must be another cart than the one merged into.");
        v.Required(input.SourceCartToken, "sourceCartToken");
        v.ThrowIfInvalid();

        var target = await OpenAsync(targetCartId, access, forChange: true, ct);
        if (target.Value.IsAnonymous)
            throw new BusinessRuleViolationException("Merge into your customer cart: sign in and create it with POST /api/carts.");

        var source = CartRules.IsCartId(sourceId) ? await carts.FindAsync(sourceId!, ct) : null;
        var now = clock.GetUtcNow();
        if (source is null || source.Value.IsExpiredAt(now) || target.Value.MergedCartIds.Contains(sourceId!))
        {
            // Merged before (maybe by a request that died before deleting it), expired, or never there: nothing to take over.
            if (source is not null) await carts.DeleteAsync(sourceId!, ct);
            return await ViewAsync(target, [], ct);
        }
        if (!source.Value.OpensWith(input.SourceCartToken))
            throw new ResourceNotFoundException("Cart", sourceId!);

        var skus = source.Value.Lines.Select(l => l.Sku).Distinct().ToList();
        var available = skus.Count == 0 ? new Dictionary<string, int>() : await stock.GetAvailableAsync(skus, ct);
        IReadOnlyList<CartWarning> warnings = [];
        var merged = await ChangeAsync(target, access, null, c =>
        {
            (var after, warnings) = c.MergeFrom(source.Value);
            return after;
        }, ct);
        // Deleted only after the merge is saved: a crash in between leaves the anonymous cart, and the remembered merge
        // makes the retry delete it without adding its lines twice.
        await carts.DeleteAsync(sourceId!, ct);

        var shortages = skus
            .Where(s => merged.Value.QuantityOf(s) > available.GetValueOrDefault(s))
            .Select(s => new CartWarning(CartWarning.NotEnoughStock, $"{s}: {merged.Value.QuantityOf(s)} in the cart, {available.GetValueOrDefault(s)} available.")
                { Sku = s, Available = available.GetValueOrDefault(s), LineId = merged.Value.Lines.First(l => l.Sku == s).LineId });
        return await ViewAsync(merged, [.. warnings, .. shortages], ct);
    }

    private async Task<CartCreation> OpenCustomerCartAsync(string customerId, TaxLocation? shipTo, MarketingTouch? touch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await FindCustomerCartAsync(customerId, ct);
            if (existing?.Cart is { } live) return new CartCreation(await ViewAsync(live, [], ct), IsNew: false);

            var cart = Cart.New(CartRules.NewCartId(), customerId, null, shipTo, shop.Currency, clock.GetUtcNow(), settings.Inactivity);
            if (touch is not null) cart = cart.WithTouch(touch);
            var version = await carts.CreateAsync(cart, ct);
            // The cart is written before the pointer to it: a crash in between leaves an unreferenced cart that expires.
            if (await carts.TrySetCustomerCartIdAsync(customerId, cart.Id, existing?.PointerVersion, ct))
                return new CartCreation(await ViewAsync(new Versioned<Cart>(cart, version), [], ct), IsNew: true);

            // Another request of the same customer made their cart first: use that one.
            await carts.DeleteAsync(cart.Id, ct);
            if (attempt >= MaximumAttempts) throw new BusyResourceException("Cart");
        }
    }

    /// <summary>The customer's live cart (null Cart when the pointer names one that is gone), or null when they never had one.</summary>
    private async Task<(Versioned<Cart>? Cart, string PointerVersion)?> FindCustomerCartAsync(string customerId, CancellationToken ct)
    {
        var pointer = await carts.FindCustomerCartIdAsync(customerId, ct);
        if (pointer is null) return null;
        var cart = await carts.FindAsync(pointer.Value, ct);
        var live = cart is not null && !cart.Value.IsExpiredAt(clock.GetUtcNow()) && cart.Value.CustomerId == customerId ? cart : null;
        return (live, pointer.Version);
    }

    // Read, change, write with the version read; on a concurrent write read again and re-apply the change, so two adds
    // at once both land. With If-Match the client asked for its version only: a conflict is then the client's to resolve.
    private async Task<Versioned<Cart>> ChangeAsync(Versioned<Cart> current, CartAccess access, string? ifMatch, Func<Cart, Cart> change, CancellationToken ct)
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

    private static void EnsureInStock(Cart cart, string sku, IReadOnlyDictionary<string, int> available)
    {
        var wanted = cart.QuantityOf(sku);
        var left = available.GetValueOrDefault(sku);
        if (wanted > left)
            throw new BusinessRuleViolationException(
                left == 0 ? $"{sku} is out of stock." : $"Only {left} of {sku} are available; the cart would hold {wanted}.", "quantity");
    }

    private async Task<Versioned<CartView>> ViewAsync(Versioned<Cart> versioned, IReadOnlyList<CartWarning> warnings, CancellationToken ct)
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
