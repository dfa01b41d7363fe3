using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

public sealed class RoundingTests
{
    [Fact]
    public void A_third_off_three_lines_of_ten_cents_rounds_once_and_gives_the_odd_cent_to_the_first_line()
    {
        // Exact shares are 0.0333 each, 0.0999 together: rounded once to 0.10, split 0.04 / 0.03 / 0.03.
        var cart = Request(Line("a", 0.10m), Line("b", 0.10m), Line("c", 0.10m)).Price(PercentOff(33.3m));

        cart.DiscountTotal.Amount.ShouldBe(0.10m);
        cart.LineDiscounts().ShouldBe([0.04m, 0.03m, 0.03m]);
        cart.Lines.Sum(l => l.Total.Amount).ShouldBe(cart.Total.Amount);
        cart.Total.Amount.ShouldBe(0.20m);
    }

    [Fact]
    public void The_odd_cent_goes_to_the_line_with_the_largest_remainder()
    {
        // Shares: 0.333 (a), 0.666 (b): 0.999 rounds to 1.00; floors 0.33 + 0.66, the cent goes to b (0.6 > 0.3 of a cent).
        var cart = Request(Line("a", 1.00m), Line("b", 2.00m)).Price(PercentOff(33.3m));

        cart.LineDiscounts().ShouldBe([0.33m, 0.67m]);
    }

    [Fact]
    public void Half_a_cent_rounds_away_from_zero()
    {
        var cart = Request(Line("a", 0.05m)).Price(PercentOff(10));

        cart.DiscountTotal.Amount.ShouldBe(0.01m);
    }

    [Fact]
    public void Yen_have_no_decimals()
    {
        var cart = Request(Line("a", 1000m, currency: "JPY"), Line("b", 1000m, currency: "JPY"), Line("c", 1000m, currency: "JPY")).Price(PercentOff(3.33m));

        // 33.3 yen a line, 99.9 together: 100 yen, split 34 / 33 / 33.
        cart.LineDiscounts().ShouldBe([34m, 33m, 33m]);
        cart.Total.ShouldBe(new Money(2900m, "JPY"));
        cart.Lines.ShouldAllBe(l => l.DiscountTotal.Amount.Scale == 0);
    }

    [Fact]
    public void Kuwaiti_dinars_have_three_decimals()
    {
        var cart = Request(Line("a", 1.234m, currency: "KWD")).Price(PercentOff(10));

        cart.DiscountTotal.ShouldBe(new Money(0.123m, "KWD"));
        cart.Total.Amount.ShouldBe(1.111m);
        cart.Total.Amount.Scale.ShouldBe((byte)3);
    }

    [Fact]
    public void Amounts_carry_the_currencys_decimals()
    {
        var cart = Request(Line("a", 12.5m)).Price();

        cart.Total.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe("12.50");
        MoneyRounding.FromMinorUnits(-1250, 2).ShouldBe(-12.50m);
        MoneyRounding.FromMinorUnits(7, 3).ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe("0.007");
    }

    [Fact]
    public void Allocation_splits_an_amount_into_parts_that_add_up_exactly()
    {
        var parts = new long[3];

        MoneyRounding.Allocate(100, [1m, 1m, 1m], [100, 100, 100], parts);

        parts.ShouldBe([34L, 33L, 33L]);
    }

    [Fact]
    public void Allocation_never_gives_a_part_more_than_its_cap()
    {
        var parts = new long[3];

        MoneyRounding.Allocate(10, [5m, 1m, 1m], [2, 10, 10], parts);

        parts.ShouldBe([2L, 4L, 4L]);
    }
}

/// <summary>Random carts and promotions, checking the invariants every priced cart must keep.</summary>
public sealed class PricingInvariantTests
{
    private static readonly string[] Currencies = ["EUR", "JPY", "KWD"];

    [Theory]
    [InlineData(StackingStrategy.BestForCustomer, true)]
    [InlineData(StackingStrategy.BestForCustomer, false)]
    [InlineData(StackingStrategy.InPriorityOrder, true)]
    [InlineData(StackingStrategy.InPriorityOrder, false)]
    public void No_cent_is_lost_and_no_line_goes_negative_in_a_thousand_random_carts(StackingStrategy strategy, bool pricesIncludeTax)
    {
        var random = new Random(strategy == StackingStrategy.BestForCustomer ? 11 : 23);
        var rates = new RateTableTaxRates([new("DE", null, "standard", 0.19m), new("DE", null, "reduced", 0.07m), new("DE", "BY", "reduced", 0.055m)]);
        var engine = Engine(strategy, pricesIncludeTax, rates);
        int discounted = 0, shippingDiscounted = 0, stacked = 0;
        for (var n = 0; n < 1000; n++)
        {
            var currency = Currencies[random.Next(Currencies.Length)];
            var request = RandomRequest(random, currency);
            var promotions = Enumerable.Range(0, random.Next(0, 12)).Select(i => RandomPromotion(random, currency, i)).ToList();

            var cart = engine.Price(request, promotions);

            var context = $"cart {n} ({currency}, {request.Lines.Count} lines, {promotions.Count} promotions)";
            foreach (var line in cart.Lines)
            {
                line.DiscountTotal.Amount.ShouldBeGreaterThanOrEqualTo(0, context);
                line.DiscountTotal.Amount.ShouldBeLessThanOrEqualTo(line.ListTotal.Amount, context);
                line.Discounts.Sum(d => d.Amount.Amount).ShouldBe(line.DiscountTotal.Amount, context);
                line.NetTotal.Amount.ShouldBeGreaterThanOrEqualTo(0, context);
                line.Total.Amount.ShouldBeGreaterThanOrEqualTo(0, context);
                (line.NetTotal.Amount + line.Tax.Amount).ShouldBe(line.Total.Amount, context);
                (pricesIncludeTax ? line.Total.Amount : line.NetTotal.Amount).ShouldBe(line.ListTotal.Amount - line.DiscountTotal.Amount, context);
                decimal.Round(line.Total.Amount, MinorDigits(currency)).ShouldBe(line.Total.Amount, context);
            }
            foreach (var promotion in cart.Promotions)
            {
                var onLines = cart.Lines.SelectMany(l => l.Discounts).Where(d => d.PromotionId == promotion.PromotionId).Sum(d => d.Amount.Amount);
                var isShipping = promotions.Single(p => p.Id == promotion.PromotionId).Kind == PromotionKind.FreeShipping;
                onLines.ShouldBe(isShipping ? 0 : promotion.Discount.Amount, context);
            }
            cart.Promotions.Sum(p => p.Discount.Amount).ShouldBe(cart.DiscountTotal.Amount + cart.ShippingDiscount.Amount, context);

            cart.Subtotal.Amount.ShouldBe(cart.Lines.Sum(l => l.ListTotal.Amount), context);
            cart.DiscountTotal.Amount.ShouldBe(cart.Lines.Sum(l => l.DiscountTotal.Amount), context);
            cart.ShippingDiscount.Amount.ShouldBeLessThanOrEqualTo(cart.ShippingFee.Amount, context);
            cart.TaxTotal.Amount.ShouldBe(cart.Lines.Sum(l => l.Tax.Amount) + cart.ShippingTax.Amount, context);
            var shippingCharged = cart.ShippingFee.Amount - cart.ShippingDiscount.Amount;
            cart.Total.Amount.ShouldBe(cart.Lines.Sum(l => l.Total.Amount) + shippingCharged + (pricesIncludeTax ? 0 : cart.ShippingTax.Amount), context);
            cart.Total.Amount.ShouldBe(cart.TotalExcludingTax.Amount + cart.TaxTotal.Amount, context);
            cart.Total.Amount.ShouldBe(cart.Subtotal.Amount - cart.DiscountTotal.Amount + shippingCharged + (pricesIncludeTax ? 0 : cart.TaxTotal.Amount), context);
            if (cart.DiscountTotal.Amount > 0) discounted++;
            if (cart.ShippingDiscount.Amount > 0) shippingDiscounted++;
            if (cart.Promotions.Count > 1) stacked++;
        }

        // The random carts must exercise the engine, not just price carts without promotions.
        discounted.ShouldBeGreaterThan(500);
        shippingDiscounted.ShouldBeGreaterThan(50);
        stacked.ShouldBeGreaterThan(200);
    }

    private static int MinorDigits(string currency) => Serverless.Shop.Domain.Common.Currencies.MinorDigits(currency);

    private static PricingRequest RandomRequest(Random random, string currency)
    {
        var digits = MinorDigits(currency);
        decimal Amount(int maxMinorUnits) => random.Next(1, maxMinorUnits) / (decimal)Math.Pow(10, digits);
        var lines = Enumerable.Range(0, random.Next(1, 9)).Select(i =>
        {
            var price = Amount(20_000);
            decimal? sale = random.Next(4) == 0 ? Math.Max(Amount(2), price - Amount(500)) : null;
            return Line($"l{i}", price, quantity: random.Next(1, 7), sale: sale, currency: currency,
                categories: random.Next(2) == 0 ? ["cat_a"] : ["cat_b"], tags: random.Next(3) == 0 ? ["gift"] : [],
                taxClass: random.Next(3) == 0 ? "reduced" : "standard");
        }).ToArray();
        return new PricingRequest(currency, lines, [], PricingCustomer.Guest,
            random.Next(3) == 0 ? new TaxLocation("DE", "BY") : new TaxLocation("DE", null),
            random.Next(2) == 0 ? new Money(Amount(2_000), currency) : null, Now);
    }

    private static Promotion RandomPromotion(Random random, string currency, int i)
    {
        var digits = MinorDigits(currency);
        Money Amount(int maxMinorUnits) => new(random.Next(1, maxMinorUnits) / (decimal)Math.Pow(10, digits), currency);
        PromotionTarget[] targets = [PromotionTarget.WholeCart, Categories("cat_a"), Tags("gift"), Products("prod_l0", "prod_l2")];
        var promotion = Promo($"p{i}", (PromotionKind)random.Next(6), targets[random.Next(targets.Length)]) with
        {
            Priority = random.Next(5),
            Stacking = random.Next(3) == 0 ? Stacking.Exclusive : Stacking.Stackable,
        };
        return promotion.Kind switch
        {
            PromotionKind.PercentOff => promotion with { Percent = random.Next(1, 1000) / 10m },
            PromotionKind.AmountOff => promotion with { Amount = Amount(5_000) },
            PromotionKind.BuyXGetY => promotion with { BuyXGetY = new BuyXGetY(random.Next(1, 4), random.Next(1, 3), random.Next(1, 101)) },
            PromotionKind.Bundle => promotion with
            {
                Bundle = new BundleOffer([new BundleComponent(Categories("cat_a"), random.Next(1, 3)), new BundleComponent(Categories("cat_b"), 1)], Amount(10_000)),
            },
            PromotionKind.Tiered => promotion with
            {
                TierMeasure = random.Next(2) == 0 ? TierMeasure.Spend : TierMeasure.Quantity,
                Tiers = [new PromotionTier(random.Next(1, 10), random.Next(1, 50), null), new PromotionTier(random.Next(10, 40), null, Amount(3_000))],
            },
            _ => promotion with { Percent = random.Next(2) == 0 ? null : random.Next(1, 101) },
        };
    }
}
