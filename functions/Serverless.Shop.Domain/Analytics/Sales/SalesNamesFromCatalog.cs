using System.Globalization;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Analytics.Sales;

/// <summary>
/// <see cref="ISalesNames"/> from the shop's own stores: products and promotions read by id in one call each, categories
/// from the taxonomy (cached), countries from .NET's region data (no call). A promotion with a code is named
/// "CODE (name)", so a marketer finds the code they handed out. Tests: SalesNamesTests.
/// </summary>
public sealed class SalesNamesFromCatalog(IProductStore products, ITaxonomyStore taxonomy, IPromotionStore promotions) : ISalesNames
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(SalesDimension dimension, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return None;
        switch (dimension)
        {
            case SalesDimension.Product:
                return (await products.FindManyByIdsAsync(keys, ct)).ToDictionary(p => p.Value.Id, p => p.Value.Name, StringComparer.Ordinal);
            case SalesDimension.Category:
                var categories = await taxonomy.GetCategoriesAsync(ct);
                return keys.Where(categories.ContainsKey).ToDictionary(k => k, k => categories[k].Name, StringComparer.Ordinal);
            case SalesDimension.Promotion:
                return (await promotions.FindManyByIdsAsync(keys, ct))
                    .ToDictionary(p => p.Value.Id, p => p.Value.Code is { } code ? $"{code} ({p.Value.Name})" : p.Value.Name, StringComparer.Ordinal);
            case SalesDimension.Country:
                return keys.Select(k => (Key: k, Name: CountryName(k))).Where(c => c.Name is not null).ToDictionary(c => c.Key, c => c.Name!, StringComparer.Ordinal);
            default:
                return None;
        }
    }

    // Two-letter ISO codes only: RegionInfo also takes culture names ("en-US"), which are no countries of an address.
    private static string? CountryName(string code)
    {
        if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper)) return null;
        try { return new RegionInfo(code).EnglishName; }
        catch (ArgumentException) { return null; }
    }
}
