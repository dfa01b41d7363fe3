using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>A basket line to quote; <see cref="ProductId"/> (optional) lets the product's measurements weigh it.</summary>
public sealed record ParcelItemInput(string? Sku, int? Quantity, string? ProductId = null);

/// <summary>What a storefront sends to learn the shipping fee before checkout.</summary>
public sealed record ShippingQuoteInput(ShippingAddress? Address, IReadOnlyList<ParcelItemInput?>? Items, Money? Subtotal);

/// <summary>
/// The standard service's fee for an address and a basket, as checkout charges it when the order ships from the
/// nearest warehouse: the one-line form of <see cref="QuoteShippingOptions"/> (same checks, same fields), for a cart page.
/// </summary>
public sealed class QuoteShipping(QuoteShippingOptions options)
{
    public const int MaximumItems = 100;

    public async Task<ShippingQuote> QuoteAsync(ShippingQuoteInput input, CancellationToken ct)
    {
        var items = input.Items?.Select(i => i is null ? null : new ShippingOptionsItemInput(i.ProductId, i.Sku, i.Quantity)).ToList();
        var quoted = await options.QuoteAsync(new ShippingOptionsInput(input.Address, items, input.Subtotal), ct);
        return quoted.Choose(ShippingServiceLevel.Standard, input.Address?.Country);
    }
}
