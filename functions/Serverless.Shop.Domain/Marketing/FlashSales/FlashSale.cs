using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.FlashSales;

public enum FlashSaleStatus { Scheduled, Live, Ended }

/// <summary>
/// One variant in a flash sale: its price during the sale and how many units are set aside for it (<see cref="Cap"/>).
/// The cap is apart from the stock: the sale never sells more than its cap, and the checkout's stock reservation never
/// lets it sell more than there is.
/// </summary>
public sealed record FlashSaleItem(string ProductId, string Sku, Money SalePrice, int Cap);

/// <summary>
/// A flash sale: variants at a sale price between <see cref="StartsAt"/> and <see cref="EndsAt"/>, each capped, and a
/// limit of units per buyer across the sale (a signed-in customer counts by their id and their email, a guest by email).
/// The sale document is the truth for the window, the prices and the caps; products carry a copy for reads
/// (<see cref="ProductFlashSale"/>).
/// </summary>
public sealed record FlashSale
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required DateTimeOffset StartsAt { get; init; }
    public required DateTimeOffset EndsAt { get; init; }
    public required int PerCustomerLimit { get; init; }
    public required IReadOnlyList<FlashSaleItem> Items { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When staff ended it before its planned end (then <see cref="EndsAt"/> is that moment); null otherwise.</summary>
    public DateTimeOffset? EndedEarlyAt { get; init; }

    public FlashSaleStatus StatusAt(DateTimeOffset at) => at < StartsAt ? FlashSaleStatus.Scheduled : at < EndsAt ? FlashSaleStatus.Live : FlashSaleStatus.Ended;

    public bool IsLiveAt(DateTimeOffset at) => StatusAt(at) == FlashSaleStatus.Live;

    public FlashSaleItem? ItemFor(string sku) => Items.FirstOrDefault(i => string.Equals(i.Sku, sku, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the two windows share an instant (windows are [start, end): one ending as the other starts do not overlap).</summary>
    public static bool Overlap(DateTimeOffset startA, DateTimeOffset endA, DateTimeOffset startB, DateTimeOffset endB) => startA < endB && startB < endA;
}

/// <summary>
/// The copy of a sale kept on each product it covers, so that a product read shows the sale in the one Cosmos DB call
/// it already makes (docs/benchmarks.md). Written when the sale is created, extended or ended, and when a variant's
/// <see cref="ProductFlashSaleVariant.UnitsLeft"/> moves by a step (<see cref="FlashSaleProjection"/>); units left may
/// therefore be a little stale, the cap never is (it is held at checkout on the sale's own counters).
/// </summary>
public sealed record ProductFlashSale(
    string SaleId, string Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int PerCustomerLimit, IReadOnlyList<ProductFlashSaleVariant> Variants)
{
    public bool IsLiveAt(DateTimeOffset at) => StartsAt <= at && at < EndsAt;
}

public sealed record ProductFlashSaleVariant(string Sku, Money SalePrice, int UnitsLeft);

/// <summary>How the sale copies on a product read at an instant: what a shopper sees, and the price pricing uses.</summary>
public static class FlashSaleOffers
{
    /// <summary>
    /// The live sale of the variant at <paramref name="at"/> with units left (by the product's copy), or null. Pricing
    /// charges its price; a variant whose copy says sold out is priced as usual.
    /// </summary>
    public static (ProductFlashSale Sale, ProductFlashSaleVariant Variant)? LiveOffer(Product product, string sku, DateTimeOffset at)
    {
        foreach (var sale in product.FlashSales ?? [])
        {
            if (!sale.IsLiveAt(at)) continue;
            var variant = sale.Variants.FirstOrDefault(v => string.Equals(v.Sku, sku, StringComparison.OrdinalIgnoreCase));
            if (variant is { UnitsLeft: > 0 }) return (sale, variant);
        }
        return null;
    }

    /// <summary>What a shopper pays for the variant at <paramref name="at"/> before promotions: a live sale's price, else its sale or list price.</summary>
    public static Money PriceAt(Product product, ProductVariant variant, DateTimeOffset at) =>
        LiveOffer(product, variant.Sku, at)?.Variant.SalePrice ?? variant.EffectivePrice;

    /// <summary>
    /// The next instant after <paramref name="at"/> at which a sale copied on the product starts or ends, or null: what a
    /// shopper is shown changes then without any write to the product, so a cached page must not outlive it.
    /// </summary>
    public static DateTimeOffset? NextChangeAfter(Product product, DateTimeOffset at) =>
        (product.FlashSales ?? []).SelectMany(s => new DateTimeOffset?[] { s.StartsAt, s.EndsAt }).Where(t => t > at).Min();

    /// <summary>The product as a shopper reads it at <paramref name="at"/>: only the sales live then (scheduled ones stay the marketers' secret).</summary>
    public static Product AsShopperSeesAt(Product product, DateTimeOffset at)
    {
        if (product.FlashSales is not { Count: > 0 } sales) return product;
        var live = sales.Where(s => s.IsLiveAt(at)).ToList();
        return product with { FlashSales = live.Count > 0 ? live : null };
    }
}
