using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;

namespace Serverless.Shop.Domain.Marketing.FlashSales;

/// <summary>A new flash sale as staff send it. <see cref="StartsAt"/> left out: it starts now.</summary>
public sealed record FlashSaleInput(string? Name, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? PerCustomerLimit, IReadOnlyList<FlashSaleItemInput?>? Items);

/// <summary>One variant of a new sale: which (product and SKU), its price during the sale, and the units set aside.</summary>
public sealed record FlashSaleItemInput(string? ProductId, string? Sku, Money? SalePrice, int? Cap);

/// <summary>A later end for a sale that has not ended.</summary>
public sealed record FlashSaleExtension(DateTimeOffset? EndsAt);

/// <summary>The rules a new sale must meet; every broken rule is reported at once, by the field the client sent.</summary>
public static class FlashSaleRules
{
    public const int MaximumNameLength = 100;
    public const int MaximumItems = 50;
    public const int MaximumPerCustomerLimit = 999;
    public static readonly TimeSpan MaximumDuration = TimeSpan.FromDays(31);

    /// <summary>A start sent a moment ago is not "in the past": clocks and networks are not exact.</summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(1);

    /// <summary>Checks what can be checked without reading anything: the shape, the window, the limits.</summary>
    public static void CheckShape(FlashSaleInput input, DateTimeOffset now, string shopCurrency, Validator v)
    {
        if (v.Required(input.Name, "name")) v.Check(input.Name!.Trim().Length is > 0 and <= MaximumNameLength, "name", $"must be 1 to {MaximumNameLength} characters.");
        var startsAt = input.StartsAt ?? now;
        v.Check(startsAt >= now - StartGrace, "startsAt", "must not be in the past.");
        if (v.Required(input.EndsAt, "endsAt"))
            CheckEnd(startsAt, input.EndsAt!.Value, now, "endsAt", v);
        if (v.Required(input.PerCustomerLimit, "perCustomerLimit"))
            v.Check(input.PerCustomerLimit is >= 1 and <= MaximumPerCustomerLimit, "perCustomerLimit", $"must be between 1 and {MaximumPerCustomerLimit}.");

        if (!v.Required(input.Items, "items")) return;
        if (!v.Check(input.Items!.Count is >= 1 and <= MaximumItems, "items", $"must have 1 to {MaximumItems} variants.")) return;
        var skus = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < input.Items.Count; i++)
        {
            var field = $"items[{i}]";
            if (input.Items[i] is not { } item) { v.Add(field, "must not be null."); continue; }
            v.Check(Ids.IsWellFormed(item.ProductId), field + ".productId", "must be a product id.");
            if (v.Required(item.Sku, field + ".sku") && !string.IsNullOrWhiteSpace(item.Sku))
                v.Check(skus.Add(item.Sku.Trim()), field + ".sku", $"'{item.Sku}' is given twice: a SKU has one sale price in a sale.");
            Money.Validate(item.SalePrice, field + ".salePrice", v, shopCurrency);
            if (v.Required(item.Cap, field + ".cap")) v.Check(item.Cap >= 1, field + ".cap", "must be at least 1.");
        }
    }

    public static void CheckEnd(DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now, string field, Validator v)
    {
        if (!v.Check(endsAt > now, field, "must be in the future.")) return;
        if (!v.Check(endsAt > startsAt, field, "must be after startsAt.")) return;
        v.Check(endsAt - startsAt <= MaximumDuration, field, $"must be at most {MaximumDuration.TotalDays} days after startsAt: a flash sale is short.");
    }

    /// <summary>
    /// Checks the items against the catalog and the stock: the product and SKU exist, the sale price is below what the
    /// variant sells for now, and the cap is no more than the units available now (the sale can never sell more than stock).
    /// </summary>
    public static IReadOnlyList<FlashSaleItem> CheckAgainstCatalog(
        IReadOnlyList<FlashSaleItemInput?> items, IReadOnlyDictionary<string, Product> products, IReadOnlyDictionary<string, StockItem> stock, DateTimeOffset now, Validator v)
    {
        var result = new List<FlashSaleItem>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i]!;
            var field = $"items[{i}]";
            if (!products.TryGetValue(item.ProductId!, out var product)) { v.Add(field + ".productId", $"no product has the id '{item.ProductId}'."); continue; }
            var variant = product.Variants.FirstOrDefault(x => string.Equals(x.Sku, item.Sku!.Trim(), StringComparison.OrdinalIgnoreCase));
            if (variant is null) { v.Add(field + ".sku", $"'{item.Sku}' is not a SKU of product {product.Id}."); continue; }
            var ok = v.Check(item.SalePrice!.Amount < variant.EffectivePrice.Amount, field + ".salePrice.amount",
                $"must be below the price the variant sells for now ({variant.EffectivePrice}).");
            var available = stock.TryGetValue(variant.Sku, out var level) ? level.Available(now) : 0;
            ok &= v.Check(item.Cap!.Value <= available, field + ".cap", $"must be at most the {available} unit(s) of {variant.Sku} in stock now.");
            if (ok) result.Add(new FlashSaleItem(product.Id, variant.Sku, item.SalePrice, item.Cap.Value));
        }
        return result;
    }
}
