using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

/// <summary>Valid promotion inputs of every kind, to be broken one field at a time by the tests.</summary>
internal static class PromotionExamples
{
    public const string ShopCurrency = "EUR";

    public static Money Euros(decimal amount) => new(amount, ShopCurrency);

    public static PromotionInput PercentOff(decimal percent = 20) => new()
    {
        Name = "Spring sale",
        Kind = PromotionKind.PercentOff,
        Target = new PromotionTargetInput(TargetKind.Categories, ["cat_mugs"]),
        Percent = percent,
    };

    public static PromotionInput AmountOff(decimal amount = 5) => new() { Name = "Five off", Kind = PromotionKind.AmountOff, Amount = Euros(amount) };

    public static PromotionInput BuyTwoGetOneFree() => new()
    {
        Name = "Buy two, get one free",
        Kind = PromotionKind.BuyXGetY,
        Target = new PromotionTargetInput(TargetKind.Tags, ["tea"]),
        BuyXGetY = new BuyXGetYInput(2, 1, 100),
    };

    public static PromotionInput Bundle() => new()
    {
        Name = "Mug and teapot",
        Kind = PromotionKind.Bundle,
        Bundle = new BundleInput(
            [new BundleComponentInput(new PromotionTargetInput(TargetKind.Products, ["prod_mug"]), 2), new BundleComponentInput(new PromotionTargetInput(TargetKind.Products, ["prod_teapot"]), 1)],
            Euros(39.90m)),
    };

    public static PromotionInput SpendTiers() => new()
    {
        Name = "Spend more, save more",
        Kind = PromotionKind.Tiered,
        TierMeasure = TierMeasure.Spend,
        Tiers = [new PromotionTierInput(50, 5, null), new PromotionTierInput(100, null, Euros(15))],
    };

    public static PromotionInput FreeShipping() => new() { Name = "Free shipping", Kind = PromotionKind.FreeShipping };

    public static PromotionInput Coupon(string code = "SPRING20", int? usageLimit = null, int? perCustomerLimit = null) =>
        PercentOff() with { Code = code, UsageLimit = usageLimit, PerCustomerLimit = perCustomerLimit };

    public static Promotion Build(PromotionInput input, string shopCurrency = ShopCurrency) =>
        PromotionRules.Build(input, "promo_1", null, shopCurrency, FixedClock.Instant);

    public static ValidationFailedException Refuse(PromotionInput input, string shopCurrency = ShopCurrency) =>
        Should.Throw<ValidationFailedException>(() => Build(input, shopCurrency));

    /// <summary>A stored promotion with limits, as the redemption tests need it.</summary>
    public static Promotion Limited(string id, string? code = null, int? usageLimit = null, int? perCustomerLimit = null) =>
        PromotionRules.Build(PercentOff() with { Name = id, Code = code, UsageLimit = usageLimit, PerCustomerLimit = perCustomerLimit }, id, null, ShopCurrency, FixedClock.Instant);

    public static AppliedPromotion Applied(Promotion promotion) => new(promotion.Id, promotion.Name, promotion.Code, Euros(1));
}
