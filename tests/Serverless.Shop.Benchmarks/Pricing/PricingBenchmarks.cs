using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Benchmarks.Pricing;

/// <summary>
/// The promotion engine alone (no I/O): a 50-line cart against 500 live promotions of every kind and target, with
/// three codes, shipping and tax, under both stacking strategies. Run with
/// <c>dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- pricing</c> (docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
public class PricingBenchmarks
{
    public const int Lines = 50;
    public const int Promotions = 500;

    private PricingRequest _request = null!;
    private List<Promotion> _promotions = null!;
    private PromotionEngine _engine = null!;

    [Params(StackingStrategy.BestForCustomer, StackingStrategy.InPriorityOrder)]
    public StackingStrategy Strategy { get; set; }

    /// <summary>
    /// 1: every promotion targets something in the cart (the worst case: all 500 are evaluated, 200 or so stack).
    /// 10: the promotions target a catalog ten times the cart's spread of products, categories, tags and collections,
    /// so about one in ten (plus the whole-cart ones) touches the cart, as in a shop with many campaigns.
    /// </summary>
    [Params(1, 10)]
    public int Spread { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_request, _promotions) = Example(seed: 42, Spread);
        var rates = new RateTableTaxRates([new("DE", null, "standard", 0.19m), new("DE", null, "reduced", 0.07m)]);
        _engine = new PromotionEngine(new PricingSettings { Strategy = Strategy, PricesIncludeTax = true }, rates);
    }

    [Benchmark(Description = "price a 50-line cart against 500 live promotions")]
    public PricedCart PriceCart() => _engine.Price(_request, _promotions);

    /// <summary>Runs the benchmark with a short job (3 warm-ups, 3 measured iterations) in this process, so no second build is needed.</summary>
    public static int Run(string[] args)
    {
        var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess");
        var config = DefaultConfig.Instance.AddJob(job).AddDiagnoser(MemoryDiagnoser.Default).WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<PricingBenchmarks>(config, args);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }

    /// <summary>
    /// A deterministic cart and promotion set. The cart's products come from <c>50 x spread</c> products in
    /// <c>12 x spread</c> categories under <c>3 x spread</c> parents, with <c>20 x spread</c> tags and <c>6 x spread</c>
    /// collections; promotions target ids from the same ranges.
    /// </summary>
    public static (PricingRequest Request, List<Promotion> Promotions) Example(int seed, int spread)
    {
        int products = 50 * spread, categories = 12 * spread, parents = 3 * spread, tags = 20 * spread, collections = 6 * spread;
        var random = new Random(seed);
        var now = new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);
        Money Eur(decimal amount) => new(amount, "EUR");

        var lines = Enumerable.Range(0, products).OrderBy(_ => random.Next()).Take(Lines).Select(k =>
        {
            var price = random.Next(199, 20_000) / 100m;
            return new PricingLine(
                $"line_{k}", $"prod_{k}", $"SKU-{k:0000}", $"Product {k}", random.Next(1, 6),
                Eur(price), random.Next(5) == 0 ? Eur(Math.Round(price * 0.8m, 2)) : null, random.Next(4) == 0 ? "reduced" : "standard",
                [$"cat_p{k % parents}", $"cat_{k % categories}"], random.Next(3) == 0 ? [$"col_{k % collections}"] : [],
                Enumerable.Range(0, random.Next(0, 4)).Select(_ => $"tag_{random.Next(tags)}").Distinct().ToList());
        }).ToList();

        PromotionTarget Target() => random.Next(10) switch
        {
            0 => PromotionTarget.WholeCart,
            1 or 2 => new PromotionTarget(TargetKind.Categories, [$"cat_{random.Next(categories)}", $"cat_p{random.Next(parents)}"]),
            3 or 4 => new PromotionTarget(TargetKind.Products, Enumerable.Range(0, 5).Select(_ => $"prod_{random.Next(products)}").ToList()),
            5 => new PromotionTarget(TargetKind.Variants, [$"SKU-{random.Next(products):0000}"]),
            6 => new PromotionTarget(TargetKind.Collections, [$"col_{random.Next(collections)}"]),
            _ => new PromotionTarget(TargetKind.Tags, [$"tag_{random.Next(tags)}", $"tag_{random.Next(tags)}"]),
        };

        var promotions = Enumerable.Range(0, Promotions).Select(i =>
        {
            var kind = random.Next(20) switch
            {
                < 7 => PromotionKind.PercentOff,
                < 11 => PromotionKind.AmountOff,
                < 13 => PromotionKind.BuyXGetY,
                < 15 => PromotionKind.Bundle,
                < 18 => PromotionKind.Tiered,
                _ => PromotionKind.FreeShipping,
            };
            var p = new Promotion
            {
                Id = $"promo_{i:000}",
                Name = $"Promotion {i}",
                Kind = kind,
                Target = kind == PromotionKind.FreeShipping ? PromotionTarget.WholeCart : Target(),
                Stacking = random.Next(5) == 0 ? Stacking.Exclusive : Stacking.Stackable,
                Priority = random.Next(100),
                Code = i < 3 ? $"CODE{i}" : null,
                Eligibility = random.Next(10) == 0 ? Eligibility.Everyone with { MinimumSubtotal = Eur(50) } : Eligibility.Everyone,
                Enabled = true,
                StartsAt = now.AddDays(-1),
                EndsAt = now.AddDays(1),
                CreatedAt = now.AddDays(-2),
                UpdatedAt = now.AddDays(-2),
            };
            return kind switch
            {
                PromotionKind.PercentOff => p with { Percent = random.Next(1, 30) },
                PromotionKind.AmountOff => p with { Amount = Eur(random.Next(1, 20)) },
                PromotionKind.BuyXGetY => p with { BuyXGetY = new BuyXGetY(random.Next(1, 3), 1, 100) },
                PromotionKind.Bundle => p with
                {
                    Bundle = new BundleOffer(
                        [new BundleComponent(new PromotionTarget(TargetKind.Categories, [$"cat_{random.Next(categories)}"]), 1),
                         new BundleComponent(new PromotionTarget(TargetKind.Categories, [$"cat_{random.Next(categories)}"]), 1)], Eur(random.Next(20, 150))),
                },
                PromotionKind.Tiered => p with
                {
                    TierMeasure = random.Next(2) == 0 ? TierMeasure.Spend : TierMeasure.Quantity,
                    Tiers = [new PromotionTier(random.Next(2, 10), 5, null), new PromotionTier(random.Next(10, 100), 10, null)],
                },
                _ => p with { Percent = random.Next(2) == 0 ? null : 50 },
            };
        }).ToList();

        var request = new PricingRequest("EUR", lines, ["CODE0", "code1", "CODE2", "UNKNOWN"],
            new PricingCustomer("cus_1", false, ["newsletter"], "silver"), new TaxLocation("DE", null), Eur(4.90m), now);
        return (request, promotions);
    }
}
