using System.Globalization;
using System.Net.Http.Json;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Benchmarks;

public sealed record ProductRef(string Id, string Slug);

public sealed record CategoryRef(string Id, string Name, string? ParentId);

/// <summary>What the scenarios pick from: every product in the shop, the top-level categories and the tags in use.</summary>
public sealed record BenchmarkCatalog(IReadOnlyList<ProductRef> Products, IReadOnlyList<CategoryRef> TopLevelCategories, IReadOnlyList<string> Tags)
{
    /// <summary>Products with approved reviews and a rating on the product (<see cref="ReviewSeeding"/>).</summary>
    public IReadOnlyList<string> ReviewedProductIds { get; init; } = [];

    /// <summary>The demo catalog's tags; the added products use the same ones, so a tag filter matches a realistic share.</summary>
    private static readonly string[] DemoTags = ["summer", "winter", "bestseller", "gift", "kitchen", "outdoor"];

    private static readonly string[] Sizes = ["S", "M", "L", "XL"];

    /// <summary>
    /// Adds <paramref name="count"/> products through the API, as a merchandiser would, spread over the demo catalog's
    /// leaf categories, with a fixed seed so every run builds the same catalog.
    /// </summary>
    public static async Task<BenchmarkCatalog> BuildAsync(HttpClient shopper, HttpClient merchandiser, int count, int concurrency, CancellationToken ct)
    {
        var categories = await shopper.GetFromJsonAsync<List<CategoryRef>>("api/categories", ShopJson.Options, ct) ?? [];
        var leaves = categories.Where(c => categories.All(child => child.ParentId != c.Id)).ToList();
        if (leaves.Count == 0) throw new InvalidOperationException("The shop has no categories: was it started with SeedDemoCatalog = true?");

        // The demo catalog is small enough for one page, so setting up needs no continuation query.
        var demo = await shopper.GetFromJsonAsync<ProductPage>("api/products?pageSize=100", ShopJson.Options, ct);
        var products = new List<ProductRef>(demo?.Items ?? []);

        var random = new Random(20240601);
        var inputs = Enumerable.Range(1, count).Select(n => NewProduct(n, leaves[n % leaves.Count], random)).ToList();
        var created = new ProductRef[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token) =>
        {
            using var response = await merchandiser.PostAsJsonAsync("api/products", inputs[i], ShopJson.Options, token);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Creating product {i + 1} failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
            created[i] = (await response.Content.ReadFromJsonAsync<ProductRef>(ShopJson.Options, token))!;
        });
        products.AddRange(created);

        return new BenchmarkCatalog(products, categories.Where(c => c.ParentId is null).ToList(), DemoTags);
    }

    private static object NewProduct(int n, CategoryRef category, Random random)
    {
        var sku = $"BENCH-{n:D4}";
        var price = Math.Round(5m + (decimal)random.NextDouble() * 115m, 2);
        var sizes = Sizes.Take(random.Next(1, Sizes.Length + 1)).ToList();
        return new
        {
            Name = $"{category.Name} No. {n.ToString(CultureInfo.InvariantCulture)}",
            Status = "active",
            Description = new { Format = "markdown", Content = $"Benchmark product **{n}** in {category.Name}. Soft, sturdy and good value." },
            Attributes = new[] { new { Name = "colour", Type = "colour", Value = $"#{random.Next(0x1000000):x6}" } },
            Variants = sizes.Select(size => new
            {
                Sku = $"{sku}-{size}",
                Options = new Dictionary<string, string> { ["size"] = size },
                Price = new { Amount = price, Currency = "EUR" },
            }),
            CategoryIds = new[] { category.Id },
            Tags = DemoTags.Where(_ => random.NextDouble() < 0.3).ToArray(),
        };
    }

    private sealed record ProductPage(List<ProductRef> Items);
}
