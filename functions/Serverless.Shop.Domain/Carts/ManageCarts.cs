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
/// This class keeps the cart and its lines; discount codes are <see cref="CartCodes"/>, ship-to and attribution
/// <see cref="CartCheckoutDetails"/>, merging at sign-in <see cref="MergeCarts"/>.
/// </summary>
public sealed class ManageCarts(
    ICartStore carts, IProductStore products, ManageStock stock, ICartPricing pricing, CartSettings settings, ShopSettings shop, TimeProvider clock)
{
    private readonly CartChanges _changes = new(carts, pricing, settings, clock);

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
            return opened.IsNew || touch is null ? opened : opened with { Cart = await _changes.RecordVisitAsync(opened.Cart.Value.Id, touch, access, null, ct) };
        }

        var token = CartRules.NewToken();
        var cart = Cart.New(CartRules.NewCartId(), null, CartRules.HashToken(token), shipTo, shop.Currency, clock.GetUtcNow(), settings.Inactivity);
        if (touch is not null) cart = cart.WithTouch(touch);
        var version = await carts.CreateAsync(cart, ct);
        var view = await _changes.ViewAsync(new Versioned<Cart>(cart, version), [], ct);
        return new CartCreation(view with { Value = view.Value with { CartToken = token } }, IsNew: true);
    }

    public async Task<Versioned<CartView>> GetAsync(string cartId, CartAccess access, CancellationToken ct) =>
        await _changes.ViewAsync(await OpenAsync(cartId, access, forChange: false, ct), [], ct);

    /// <summary>The signed-in customer's active cart; not found when they have none.</summary>
    public async Task<Versioned<CartView>> GetCustomerCartAsync(CartAccess access, CancellationToken ct)
    {
        var customerId = access.CustomerId ?? throw new ResourceNotFoundException("Cart", "of this customer");
        var cart = (await FindCustomerCartAsync(customerId, ct))?.Cart ?? throw new ResourceNotFoundException("Cart", "of this customer");
        return await _changes.ViewAsync(cart, [], ct);
    }

    /// <summary>
    /// Opens a live cart the caller may see (or change), for checkout and the cart's own operations. A cart that does not
    /// exist, has expired, or is not the caller's is not found: the answer never tells which.
    /// </summary>
    public Task<Versioned<Cart>> OpenAsync(string cartId, CartAccess access, bool forChange, CancellationToken ct) =>
        _changes.OpenAsync(cartId, access, forChange, ct);

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
        var changed = await _changes.ChangeAsync(cart, access, ifMatch, c =>
        {
            var after = c.AddLine(productId!, sku!, input.Quantity!.Value, lineId, clock.GetUtcNow());
            EnsureInStock(after, sku!, available);
            return after;
        }, ct);
        return await _changes.ViewAsync(changed, [], ct);
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

        var changed = await _changes.ChangeAsync(cart, access, ifMatch, c =>
        {
            var after = c.SetQuantity(lineId, quantity);
            if (available is not null && !ReferenceEquals(after, c)) EnsureInStock(after, line.Sku, available);
            return after;
        }, ct);
        return await _changes.ViewAsync(changed, [], ct);
    }

    public async Task<Versioned<CartView>> RemoveLineAsync(string cartId, string lineId, CartAccess access, string? ifMatch, CancellationToken ct) =>
        await _changes.OpenChangeAndViewAsync(cartId, access, ifMatch, c => c.RemoveLine(lineId), ct);

    public async Task<Versioned<CartView>> ClearAsync(string cartId, CartAccess access, string? ifMatch, CancellationToken ct) =>
        await _changes.OpenChangeAndViewAsync(cartId, access, ifMatch, c => c.Clear(), ct);

    private async Task<CartCreation> OpenCustomerCartAsync(string customerId, TaxLocation? shipTo, MarketingTouch? touch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await FindCustomerCartAsync(customerId, ct);
            if (existing?.Cart is { } live) return new CartCreation(await _changes.ViewAsync(live, [], ct), IsNew: false);

            var cart = Cart.New(CartRules.NewCartId(), customerId, null, shipTo, shop.Currency, clock.GetUtcNow(), settings.Inactivity);
            if (touch is not null) cart = cart.WithTouch(touch);
            var version = await carts.CreateAsync(cart, ct);
            // The cart is written before the pointer to it: a crash in between leaves an unreferenced cart that expires.
            if (await carts.TrySetCustomerCartIdAsync(customerId, cart.Id, existing?.PointerVersion, ct))
                return new CartCreation(await _changes.ViewAsync(new Versioned<Cart>(cart, version), [], ct), IsNew: true);

            // Another request of the same customer made their cart first: use that one.
            await carts.DeleteAsync(cart.Id, ct);
            if (attempt >= CartChanges.MaximumAttempts) throw new BusyResourceException("Cart");
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

    private static void EnsureInStock(Cart cart, string sku, IReadOnlyDictionary<string, int> available)
    {
        var wanted = cart.QuantityOf(sku);
        var left = available.GetValueOrDefault(sku);
        if (wanted > left)
            throw new BusinessRuleViolationException(
                left == 0 ? $"{sku} is out of stock." : $"Only {left} of {sku} are available; the cart would hold {wanted}.", "quantity");
    }
}
