using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.LocalHost.Seeding;

/// <summary>
/// A small demo catalog for a newcomer's first run: a category tree, two collections, products with variants, stock
/// and images. It goes through the same use cases as the API, so the demo data obeys every rule real data does.
/// </summary>
public static class DemoCatalog
{
    private sealed record DemoProduct(string Name, string Brand, string Category, string[] Tags, string Colour, decimal Price, decimal? Sale, string[] Sizes, int Stock, string Description);

    private static readonly DemoProduct[] Products =
    [
        new("Classic Cotton T-Shirt", "Northwind Apparel", "t-shirts", ["summer", "bestseller"], "#2f6fde", 19.90m, null, ["S", "M", "L", "XL"], 40, "A soft **organic cotton** tee with a relaxed fit."),
        new("Striped Linen Shirt", "Northwind Apparel", "t-shirts", ["summer"], "#e0a526", 39.00m, 29.00m, ["M", "L"], 12, "Breathable linen for *hot days*."),
        new("Heavyweight Hoodie", "Northwind Apparel", "hoodies", ["winter", "bestseller"], "#3b3b3b", 59.00m, null, ["S", "M", "L"], 25, "Brushed fleece inside, 480 g/m².\n\n- Kangaroo pocket\n- Ribbed cuffs"),
        new("Zip Hoodie", "Northwind Apparel", "hoodies", ["winter"], "#8a2be2", 64.00m, 49.00m, ["M", "L", "XL"], 3, "A full-zip hoodie that goes with everything."),
        new("Ceramic Mug", "Harbour Ceramics", "mugs", ["kitchen", "gift"], "#d94f4f", 12.50m, null, [], 100, "Holds 350 ml. Dishwasher safe."),
        new("Enamel Camp Mug", "Harbour Ceramics", "mugs", ["outdoor", "gift"], "#2e8b57", 16.00m, 13.00m, [], 4, "Light and sturdy for the trail."),
        new("Mountain Poster", "Paper Lane", "posters", ["gift"], "#4682b4", 24.00m, null, ["A3", "A2"], 30, "Printed on 200 g matte paper."),
        new("Sunset Poster", "Paper Lane", "posters", ["summer", "gift"], "#ff7f50", 24.00m, null, ["A3", "A2"], 0, "Warm colours for a calm room."),
    ];

    public static async Task SeedIfEmptyAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        var store = services.GetRequiredService<IProductStore>();
        if ((await store.ListAsync(new ProductFilter(), new PageRequest(1, null), ct)).Items.Count > 0) return;

        var taxonomy = services.GetRequiredService<ManageTaxonomy>();
        var products = services.GetRequiredService<ManageProducts>();
        var stock = services.GetRequiredService<ManageStock>();
        var images = services.GetRequiredService<ManageProductImages>();
        var seeder = Actor.System("demo-seed");

        var clothing = (await taxonomy.CreateCategoryAsync(new CategoryInput("Clothing", null, null, "Everything to wear.", 1), ct)).Value;
        var home = (await taxonomy.CreateCategoryAsync(new CategoryInput("Home", null, null, "For the house and the kitchen.", 2), ct)).Value;
        var categories = new Dictionary<string, string>
        {
            ["t-shirts"] = (await taxonomy.CreateCategoryAsync(new CategoryInput("T-Shirts", null, clothing.Id, null, 1), ct)).Value.Id,
            ["hoodies"] = (await taxonomy.CreateCategoryAsync(new CategoryInput("Hoodies", null, clothing.Id, null, 2), ct)).Value.Id,
            ["mugs"] = (await taxonomy.CreateCategoryAsync(new CategoryInput("Mugs", null, home.Id, null, 1), ct)).Value.Id,
            ["posters"] = (await taxonomy.CreateCategoryAsync(new CategoryInput("Posters", null, home.Id, null, 2), ct)).Value.Id,
        };
        var picks = (await taxonomy.CreateCollectionAsync(new CollectionInput("Staff Picks", null, CollectionType.Manual, "Chosen by the team.", null, null), ct)).Value;
        await taxonomy.CreateCollectionAsync(new CollectionInput("Under 20", null, CollectionType.Rules, "Small prices.", [new CollectionRule(RuleField.Price, RuleOperator.LessThan, "20")], true), ct);
        await taxonomy.CreateCollectionAsync(new CollectionInput("Gift Ideas", null, CollectionType.Rules, "Tagged gift.", [new CollectionRule(RuleField.Tag, RuleOperator.Equals, "gift")], true), ct);

        var n = 0;
        foreach (var demo in Products)
        {
            var sku = Slug.FromName(demo.Name).ToUpperInvariant();
            var variants = demo.Sizes.Length == 0
                ? [new VariantInput(sku, null, null, new Money(demo.Price, "EUR"), demo.Sale is null ? null : new Money(demo.Sale.Value, "EUR"))]
                : demo.Sizes.Select(s => new VariantInput($"{sku}-{s}", s, new Dictionary<string, string> { ["size"] = s },
                    new Money(demo.Price, "EUR"), demo.Sale is null ? null : new Money(demo.Sale.Value, "EUR"))).ToList();
            var product = (await products.CreateAsync(new ProductInput
            {
                Name = demo.Name,
                Status = ProductStatus.Active,
                Description = new DescriptionInput(RichTextFormat.Markdown, demo.Description),
                // Every product names its brand, which the ads feeds require (docs/marketing.md, Product feeds).
                Attributes = [new AttributeInput("colour", AttributeType.Colour, demo.Colour, null), new AttributeInput("brand", AttributeType.Text, demo.Brand, null)],
                Variants = variants,
                Seo = new SeoFields($"{demo.Name} | Serverless.Shop", demo.Description.Split('\n')[0].Replace("*", "", StringComparison.Ordinal)),
                CategoryIds = [categories[demo.Category]],
                Tags = demo.Tags,
                CollectionIds = n++ % 3 == 0 ? [picks.Id] : [],
            }, ct)).Value;

            foreach (var variant in product.Variants)
            {
                await stock.AdjustAsync(variant.Sku, new StockAdjustmentInput("main", demo.Stock, AdjustmentReason.Count, "Demo stock count"), Ids.New("adj"), seeder, ct);
                await stock.SetThresholdAsync(variant.Sku, new LowStockThresholdInput(5), ct);
            }
            using var png = DrawProductImage(demo.Colour, n);
            await images.UploadAsync(product.Id, png, "image/png", png.Length, $"{demo.Name} in {demo.Colour}", ct);
        }
        // Something to try at checkout: a coupon with a usage limit, and an automatic promotion.
        var promotions = services.GetRequiredService<ManagePromotions>();
        await promotions.CreateAsync(new PromotionInput
        {
            Name = "Welcome: 10% off everything", Kind = PromotionKind.PercentOff, Percent = 10, Code = "WELCOME10", UsageLimit = 1000,
        }, ct);
        await promotions.CreateAsync(new PromotionInput
        {
            Name = "Mugs: buy 2, get 1 free", Kind = PromotionKind.BuyXGetY, BuyXGetY = new BuyXGetYInput(2, 1, 100),
            Target = new PromotionTargetInput(TargetKind.Categories, [categories["mugs"]]),
        }, ct);
        logger.LogInformation("Seeded the demo catalog: {Count} products, 2 promotions (code WELCOME10)", Products.Length);
    }

    /// <summary>A real PNG (gradient and disc in the product's colour), so the image pipeline has genuine work to do.</summary>
    private static MemoryStream DrawProductImage(string hex, int seed)
    {
        var colour = Color.ParseHex(hex).ToPixel<Rgba32>();
        using var image = new Image<Rgba32>(900, 900);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var dx = x - 450 - seed * 10;
                    var dy = y - 450;
                    var inDisc = dx * dx + dy * dy < 260 * 260;
                    var shade = (byte)(235 - y / 12);
                    row[x] = inDisc ? colour : new Rgba32(shade, shade, (byte)Math.Min(255, shade + 10));
                }
            }
        });
        var stream = new MemoryStream();
        image.SaveAsPng(stream);
        stream.Position = 0;
        return stream;
    }
}
