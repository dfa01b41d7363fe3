using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Carts;

/// <summary>Discount codes on a cart. The cart itself and its lines are <see cref="ManageCarts"/>.</summary>
public sealed class CartCodes(ICartStore carts, IPromotionCatalog promotions, ICartPricing pricing, CartSettings settings, TimeProvider clock)
{
    private readonly CartChanges _changes = new(carts, pricing, settings, clock);

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

        var cart = await _changes.OpenAsync(cartId, access, forChange: true, ct);
        if (!cart.Value.Codes.Contains(code!))
        {
            if (cart.Value.Codes.Count >= Cart.MaximumCodes) throw Cart.TooManyCodes();
            var known = await promotions.FindByCodesAsync([code!], ct);
            if (!known.Any(p => string.Equals(p.Code, code, StringComparison.Ordinal)))
                throw ValidationFailedException.For("code", $"'{code}' is not a discount code of this shop.");
        }
        return await _changes.ViewAsync(await _changes.ChangeAsync(cart, access, ifMatch, c => c.AddCode(code!), ct), [], ct);
    }

    public async Task<Versioned<CartView>> RemoveCodeAsync(string cartId, string code, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var normalised = PromotionRules.NormaliseCode(code);
        return await _changes.OpenChangeAndViewAsync(cartId, access, ifMatch, c => c.RemoveCode(normalised), ct);
    }
}
