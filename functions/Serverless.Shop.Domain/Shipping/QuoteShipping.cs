using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

public sealed record ParcelItemInput(string? Sku, int? Quantity);

/// <summary>What a storefront sends to learn the shipping fee before checkout.</summary>
public sealed record ShippingQuoteInput(ShippingAddress? Address, IReadOnlyList<ParcelItemInput?>? Items, Money? Subtotal);

/// <summary>Quotes shipping for an address and a basket, for the storefront's cart page (checkout quotes again itself).</summary>
public sealed class QuoteShipping(IShippingRates rates, ShopSettings settings)
{
    public const int MaximumItems = 100;

    public async Task<ShippingQuote> QuoteAsync(ShippingQuoteInput input, CancellationToken ct)
    {
        var v = new Validator();
        ShippingAddressRules.Validate(input.Address, "address", v);
        var items = new List<ParcelItem>();
        if (v.Required(input.Items, "items") && v.Check(input.Items!.Count is > 0 and <= MaximumItems, "items", $"must have 1 to {MaximumItems} items."))
        {
            for (var i = 0; i < input.Items.Count; i++)
            {
                var item = input.Items[i];
                var sku = item?.Sku?.Trim().ToUpperInvariant();
                var skuOk = v.Check(ProductRules.IsValidSku(sku), $"items[{i}].sku", "must be a SKU: 1 to 64 letters, digits, '.', '_' or '-'.");
                var quantityOk = v.Required(item?.Quantity, $"items[{i}].quantity")
                    && v.Check(item!.Quantity is >= 1 and <= 1_000, $"items[{i}].quantity", "must be from 1 to 1000.");
                if (skuOk && quantityOk) items.Add(new ParcelItem(sku!, item!.Quantity!.Value));
            }
        }
        Money.Validate(input.Subtotal, "subtotal", v, settings.Currency, allowZero: true);
        v.ThrowIfInvalid();

        try
        {
            return await rates.QuoteAsync(new ShippingQuoteRequest(ShippingAddressRules.Normalise(input.Address!), items, input.Subtotal!), ct);
        }
        catch (BusinessRuleViolationException e) when (e.Field == "shippingAddress.country")
        {
            // The rates name the field as checkout sends it; this request calls the address "address".
            throw new BusinessRuleViolationException(e.Message, "address.country");
        }
    }
}
