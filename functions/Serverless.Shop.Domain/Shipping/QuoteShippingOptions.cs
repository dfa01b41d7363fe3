using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>A basket line to quote: the SKU, how many, and its product (whose measurements weigh the parcel).</summary>
public sealed record ShippingOptionsItemInput(string? ProductId, string? Sku, int? Quantity);

/// <summary>What a storefront sends to see every service level (fee and delivery estimate) for an address and a basket.</summary>
public sealed record ShippingOptionsInput(ShippingAddress? Address, IReadOnlyList<ShippingOptionsItemInput?>? Items, Money? Subtotal);

/// <summary>
/// Every service level for an address and a basket, priced by zone, distance from the origin, chargeable weight and
/// service level (<see cref="DistanceShippingRates"/>), each with its delivery dates. Checks the input as
/// <see cref="QuoteShipping"/> does; an address that cannot be located is quoted at its zone's farthest band and says so.
/// </summary>
public sealed class QuoteShippingOptions(DistanceShippingRates rates, ShopSettings settings)
{
    public async Task<ShippingOptions> QuoteAsync(ShippingOptionsInput input, CancellationToken ct)
    {
        var v = new Validator();
        ShippingAddressRules.Validate(input.Address, "address", v);
        var items = new List<ParcelItem>();
        if (v.Required(input.Items, "items") && v.Check(input.Items!.Count is > 0 and <= QuoteShipping.MaximumItems, "items", $"must have 1 to {QuoteShipping.MaximumItems} items."))
        {
            for (var i = 0; i < input.Items.Count; i++)
            {
                var item = input.Items[i];
                var sku = item?.Sku?.Trim().ToUpperInvariant();
                var skuOk = v.Check(ProductRules.IsValidSku(sku), $"items[{i}].sku", "must be a SKU: 1 to 64 letters, digits, '.', '_' or '-'.");
                var productOk = item?.ProductId is null || v.Check(Ids.IsWellFormed(item.ProductId), $"items[{i}].productId", "is not a product id.");
                var quantityOk = v.Required(item?.Quantity, $"items[{i}].quantity")
                    && v.Check(item!.Quantity is >= 1 and <= 1_000, $"items[{i}].quantity", "must be from 1 to 1000.");
                if (skuOk && productOk && quantityOk) items.Add(new ParcelItem(sku!, item!.Quantity!.Value) { ProductId = item.ProductId });
            }
        }
        Money.Validate(input.Subtotal, "subtotal", v, settings.Currency, allowZero: true);
        v.ThrowIfInvalid();

        try
        {
            return await rates.QuoteOptionsAsync(new ShippingQuoteRequest(ShippingAddressRules.Normalise(input.Address!), items, input.Subtotal!), ct);
        }
        catch (BusinessRuleViolationException e) when (e.Field == "shippingAddress.country")
        {
            throw new BusinessRuleViolationException(e.Message, "address.country");
        }
    }
}
