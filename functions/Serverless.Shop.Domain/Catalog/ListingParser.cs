using System.Globalization;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>Turns a listing's query string into a checked filter. Unknown categories or collections are a 400, not an empty page.</summary>
internal static class ListingParser
{
    public static async Task<(ProductFilter, PageRequest)> ParseAsync(ProductListingQuery q, Actor actor, ITaxonomyStore taxonomy, CancellationToken ct)
    {
        var v = new Validator();
        var min = ParsePrice(q.MinPrice, "minPrice", v);
        var max = ParsePrice(q.MaxPrice, "maxPrice", v);
        if (min is not null && max is not null) v.Check(min <= max, "maxPrice", "must not be lower than minPrice.");

        var facets = new List<string>();
        for (var i = 0; i < q.Attributes.Count; i++)
        {
            var parts = q.Attributes[i].Split(':', 2);
            if (v.Check(parts.Length == 2 && parts[0].Trim().Length > 0 && parts[1].Trim().Length > 0, "attribute", "must be written name:value, e.g. colour:red."))
                facets.Add(ProductRules.Facet(parts[0], parts[1]));
        }
        v.Check(facets.Count <= 10, "attribute", "at most 10 attribute filters.");
        v.MaxLength(q.Search, 100, "search");

        var sort = q.Sort switch
        {
            null or "" or "newest" => ProductSort.Newest,
            "price" or "price-asc" => ProductSort.PriceAscending,
            "-price" or "price-desc" => ProductSort.PriceDescending,
            "name" => ProductSort.Name,
            _ => (ProductSort?)null,
        };
        v.Check(sort is not null, "sort", "must be one of newest, price-asc, price-desc, name.");

        ProductStatus? status = ProductStatus.Active;
        if (actor.CanSeeUnpublishedCatalog)
        {
            status = q.Status?.ToLowerInvariant() switch
            {
                null or "" or "all" => null,
                "draft" => ProductStatus.Draft,
                "active" => ProductStatus.Active,
                "archived" => ProductStatus.Archived,
                _ => (ProductStatus?)null,
            };
            v.Check(q.Status?.ToLowerInvariant() is null or "" or "all" || status is not null, "status", "must be draft, active, archived or all.");
        }

        var page = PageRequest.Parse(q.PageSize, q.ContinuationToken, v);

        var filter = new ProductFilter
        {
            Tag = string.IsNullOrWhiteSpace(q.Tag) ? null : ProductRules.NormaliseTag(q.Tag),
            MinPrice = min, MaxPrice = max, Facets = facets,
            NameContains = string.IsNullOrWhiteSpace(q.Search) ? null : q.Search.Trim().ToLowerInvariant(),
            Status = status, Sort = sort ?? ProductSort.Newest,
        };

        if (!string.IsNullOrEmpty(q.Category))
        {
            var category = Find(await taxonomy.GetCategoriesAsync(ct), q.Category, c => c.Id, c => c.Slug)
                ?? Find(await taxonomy.GetCategoriesAsync(ct, fresh: true), q.Category, c => c.Id, c => c.Slug);
            if (v.Check(category is not null, "category", $"there is no category '{q.Category}'.")) filter = filter with { CategoryId = category!.Id };
        }
        if (!string.IsNullOrEmpty(q.Collection))
        {
            var collection = Find(await taxonomy.GetCollectionsAsync(ct), q.Collection, c => c.Id, c => c.Slug)
                ?? Find(await taxonomy.GetCollectionsAsync(ct, fresh: true), q.Collection, c => c.Id, c => c.Slug);
            if (v.Check(collection is not null, "collection", $"there is no collection '{q.Collection}'."))
                filter = collection!.Type == CollectionType.Manual
                    ? filter with { CollectionId = collection.Id }
                    : filter with { Rules = collection.Rules, MatchAllRules = collection.MatchAllRules };
        }
        v.ThrowIfInvalid();
        return (filter, page);
    }

    // A cached set may predate a category created a moment ago: the caller asks again, fresh, before saying it does not exist.
    private static T? Find<T>(IReadOnlyDictionary<string, T> all, string key, Func<T, string> id, Func<T, string> slug) where T : class =>
        all.Values.FirstOrDefault(x => id(x) == key || slug(x) == key);

    private static decimal? ParsePrice(string? text, string field, Validator v)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var ok = decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= Money.MaximumAmount;
        v.Check(ok, field, $"must be a number from 0 to {Money.MaximumAmount.ToString(CultureInfo.InvariantCulture)}.");
        return ok ? value : null;
    }
}
