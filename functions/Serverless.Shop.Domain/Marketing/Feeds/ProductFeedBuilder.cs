using System.Net;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Marketing.Feeds;

/// <summary>Everything one feed is made from, read once per run.</summary>
public sealed record FeedSources(
    IReadOnlyList<Product> Products, IReadOnlyDictionary<string, Category> Categories, IReadOnlyDictionary<string, int> Available,
    IReadOnlyList<Promotion> LivePromotions, Uri StorefrontBaseUrl, string Currency, DateTimeOffset At);

/// <summary>
/// Turns the catalog into feed items, one per variant, checked against the fields both platforms require (id, title,
/// description, link, image link, availability, price, brand; Google Merchant Center and the Meta catalog agree on these).
/// A product missing one is left out whole, a variant without a price alone, each with its reasons: the feeds never
/// carry a broken item. Pure: tests give it products and read the items.
/// </summary>
public sealed partial class ProductFeedBuilder(PromotionEngine engine)
{
    /// <summary>Google's limits (the Meta catalog allows more): an id of 50 characters, a title of 150, a description of 5,000.</summary>
    public const int MaximumIdLength = 50;
    public const int MaximumTitleLength = 150;
    public const int MaximumDescriptionLength = 5000;
    public const int MaximumAdditionalImages = 10;

    public ProductFeed Build(FeedSources sources)
    {
        var items = new List<FeedItem>();
        var skipped = new List<SkippedFeedItem>();
        // Only promotions every shopper gets without doing anything: no code, no customer, no eligibility rule, no limit
        // that could run out. An ad must not show a price some shoppers cannot have.
        var forEveryone = sources.LivePromotions.Where(IsForEveryone).ToList();

        foreach (var product in sources.Products.Where(p => p.IsVisibleToShoppers).OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            var reasons = new List<string>();
            var brand = ProductBrand.Of(product);
            if (brand is null) reasons.Add("no brand: give the product a 'brand' attribute.");
            var description = PlainText(product.Description.Html);
            if (description.Length == 0) reasons.Add("no description.");
            var images = product.Images.Where(i => i.Status == ImageStatus.Ready).Select(ImageLink).OfType<string>().ToList();
            if (images.Count == 0) reasons.Add("no image ready: upload one and wait for it to be processed.");
            if (reasons.Count > 0)
            {
                skipped.Add(new SkippedFeedItem(product.Id, null, product.Name, reasons));
                continue;
            }

            var link = new Uri(sources.StorefrontBaseUrl, "products/" + Uri.EscapeDataString(product.Slug)).AbsoluteUri;
            var productType = ProductType(product, sources.Categories);
            foreach (var variant in product.Variants)
            {
                var variantReasons = new List<string>();
                var title = Title(product, variant);
                if (variant.Price is null || variant.Price.Amount <= 0) variantReasons.Add("no price.");
                if (variant.Sku.Length > MaximumIdLength) variantReasons.Add($"the SKU is longer than the {MaximumIdLength} characters an item id may have.");
                if (title.Length > MaximumTitleLength) variantReasons.Add($"the title is longer than {MaximumTitleLength} characters.");
                if (variant.Price is not null && variant.Price.Currency != sources.Currency) variantReasons.Add($"the price is not in the shop's currency, {sources.Currency}.");
                if (variantReasons.Count > 0)
                {
                    skipped.Add(new SkippedFeedItem(product.Id, variant.Sku, product.Name, variantReasons));
                    continue;
                }

                var (salePrice, startsAt, endsAt) = SalePrice(product, variant, forEveryone, sources);
                items.Add(new FeedItem(
                    variant.Sku, product.Id, title, description,
                    sources.Available.GetValueOrDefault(variant.Sku) > 0 ? FeedAvailability.InStock : FeedAvailability.OutOfStock,
                    variant.Price!, salePrice, startsAt, endsAt, brand!, variant.Gtin, variant.Mpn,
                    images[0], images.Skip(1).Take(MaximumAdditionalImages).ToList(), productType, link));
            }
        }
        return new ProductFeed(sources.At, items, skipped);
    }

    private static bool IsForEveryone(Promotion p) =>
        p.Code is null && p.CustomerId is null && p.UsageLimit is null && p.PerCustomerLimit is null && p.Kind != PromotionKind.FreeShipping
        && !p.Eligibility.FirstOrderOnly && p.Eligibility.Segments.Count == 0 && p.Eligibility.MembershipTiers.Count == 0 && p.Eligibility.MinimumSubtotal is null;

    /// <summary>
    /// What a guest pays for one unit now: the catalog's sale price, or a live flash sale's price (read from the product's
    /// copy of the sale, as a cart prices it), less the promotions every shopper gets, priced by the shop's own engine (so
    /// the feed and the cart agree). The window is the narrowest of what made the price: a promotion or a flash sale that
    /// ends takes the sale price with it.
    /// </summary>
    private (Money? Price, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt) SalePrice(
        Product product, ProductVariant variant, IReadOnlyList<Promotion> promotions, FeedSources sources)
    {
        var line = new PricingLine("feed", product.Id, variant.Sku, product.Name, 1, variant.Price, variant.SalePrice, product.TaxClass,
            product.CategoryPath, product.CollectionIds, product.Tags);
        ProductFlashSale? flashSale = null;
        if (FlashSaleOffers.LiveOffer(product, variant.Sku, sources.At) is { } offer && offer.Variant.SalePrice.Currency == sources.Currency)
        {
            flashSale = offer.Sale;
            line = line with { UnitSalePrice = offer.Variant.SalePrice, FlashSaleId = offer.Sale.SaleId };
        }
        var priced = engine.Price(new PricingRequest(sources.Currency, [line], [], PricingCustomer.Guest, null, null, sources.At), promotions, NoTax.Instance);
        var pricedLine = priced.Lines[0];
        var paid = pricedLine.ListTotal.Amount - pricedLine.DiscountTotal.Amount;
        var applied = pricedLine.Discounts.Select(d => promotions.First(p => p.Id == d.PromotionId)).ToList();
        DateTimeOffset? startsAt = applied.Select(p => p.StartsAt).Append(flashSale?.StartsAt).Where(s => s is not null).Max();
        DateTimeOffset? endsAt = applied.Select(p => p.EndsAt).Append(flashSale?.EndsAt).Where(e => e is not null).Min();
        return paid < variant.Price.Amount && paid > 0 ? (new Money(paid, sources.Currency), startsAt, endsAt) : (null, null, null);
    }

    // The title says which variant it is, as Google asks of items in a group.
    private static string Title(Product product, ProductVariant variant)
    {
        if (product.Variants.Count == 1) return product.Name;
        var suffix = variant.Name ?? string.Join(", ", variant.Options.OrderBy(o => o.Key, StringComparer.OrdinalIgnoreCase).Select(o => o.Value));
        return suffix.Length == 0 ? product.Name : $"{product.Name} - {suffix}";
    }

    // The large rendition where there is one (what the CDN serves quickest at a size the platforms accept), else the original.
    private static string? ImageLink(ProductImage image) =>
        image.Renditions.FirstOrDefault(r => r.Name == "large")?.Url ?? image.OriginalUrl;

    /// <summary>The path of the product's first category by name, "Home > Kitchen > Mugs", as both platforms' product_type takes it.</summary>
    private static string? ProductType(Product product, IReadOnlyDictionary<string, Category> categories)
    {
        var first = product.CategoryIds.Select(id => categories.GetValueOrDefault(id)).FirstOrDefault(c => c is not null);
        if (first is null) return null;
        return string.Join(" > ", first.Path.Select(id => categories.GetValueOrDefault(id)?.Name).OfType<string>());
    }

    /// <summary>The description as plain text (both platforms take no markup), at most <see cref="MaximumDescriptionLength"/> characters.</summary>
    public static string PlainText(string html)
    {
        var text = WebUtility.HtmlDecode(Tags().Replace(html, " "));
        text = Whitespace().Replace(text, " ").Trim();
        return text.Length <= MaximumDescriptionLength ? text : text[..(MaximumDescriptionLength - 1)].TrimEnd() + "…";
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // The feed prices without a destination: catalog prices as the shop enters them, so no rate is ever asked for.
    private sealed class NoTax : ITaxRates
    {
        public static readonly NoTax Instance = new();
        public decimal? RateFor(TaxLocation location, string taxClass) => 0m;
    }
}
