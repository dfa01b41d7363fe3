using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Orders;
using static Serverless.Shop.Domain.UnitTests.Analytics.Sales.SalesOrders;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Sales;

/// <summary>What one order adds to the sales rollups: exact to the cent in every dimension, at the right hours.</summary>
public sealed class SalesContributionTests
{
    private static readonly SalesFacts Returning = new(false, new Dictionary<string, IReadOnlyList<string>>
    {
        ["prod_lamp"] = ["cat_home", "cat_lighting"],
        ["prod_mug"] = ["cat_home", "cat_kitchen"],
    });

    private static readonly DateTimeOffset SaleHour = new(2026, 12, 7, 14, 0, 0, TimeSpan.Zero);

    private static IReadOnlyDictionary<string, SalesMeasures> Rows(IReadOnlyDictionary<string, SalesMeasures> contribution, SalesDimension dimension) =>
        contribution.Where(kv => SalesBucket.Parse(kv.Key).Dimension == dimension).ToDictionary(kv => kv.Key, kv => kv.Value);

    private static SalesMeasures Sum(IEnumerable<SalesMeasures> measures) => measures.Aggregate(SalesMeasures.Zero, (a, b) => a.Plus(b));

    private static SalesMeasures At(IReadOnlyDictionary<string, SalesMeasures> c, SalesDimension d, string value, DateTimeOffset hour, string currency = "EUR") =>
        c[new SalesBucket(d, hour, currency, value).ToString()];

    [Fact]
    public void A_paid_order_counts_its_sale_in_the_hour_it_was_paid_and_its_net_is_what_the_customer_paid()
    {
        var pricing = Priced([Line("prod_lamp", "LAMP-1", 2, 19.99m, discount: 4.00m, taxRate: 0.21m), Line("prod_mug", "MUG-1", 1, 7.50m, taxRate: 0.09m)],
            shippingFee: 4.95m, shippingDiscount: 1.00m, shippingTax: 0.83m);
        var c = SalesContribution.Of(Paid(pricing), Returning);

        var total = At(c, SalesDimension.Total, "", SaleHour);
        total.Gross.ShouldBe(4748);
        total.Discounts.ShouldBe(400);
        total.Shipping.ShouldBe(395);
        total.Tax.ShouldBe(SalesContribution.ToMinor(pricing.TaxTotal.Amount, "EUR"));
        total.Units.ShouldBe(3);
        total.Orders.ShouldBe(1);
        total.ReturningCustomerOrders.ShouldBe(1);
        total.NewCustomerOrders.ShouldBe(0);
        total.Net.ShouldBe(SalesContribution.ToMinor(pricing.Total.Amount, "EUR"));
    }

    [Fact]
    public void With_prices_that_include_tax_gross_leaves_the_tax_out_so_net_is_still_the_order_total()
    {
        var line = Line("prod_lamp", "LAMP-1", 1, 12.10m) with { Tax = M(2.10m), NetTotal = M(10.00m), Total = M(12.10m), TaxRate = 0.21m };
        var pricing = Priced([line]) with { PricesIncludeTax = true, TaxTotal = M(2.10m), Total = M(12.10m), TotalExcludingTax = M(10.00m) };
        var total = At(SalesContribution.Of(Paid(pricing), Returning), SalesDimension.Total, "", SaleHour);

        total.Gross.ShouldBe(1000);
        total.Tax.ShouldBe(210);
        total.Net.ShouldBe(1210);
    }

    [Fact]
    public void An_order_never_paid_counts_nothing()
    {
        SalesContribution.Of(Unpaid(Priced([Line("prod_lamp", "LAMP-1", 1, 10m)])), Returning).ShouldBeEmpty();
    }

    [Fact]
    public void Each_completed_refund_counts_in_the_hour_it_completed_and_refunds_under_way_count_nothing()
    {
        var refundedAt = new DateTimeOffset(2026, 12, 9, 8, 40, 0, TimeSpan.Zero);
        var order = Paid(Priced([Line("prod_lamp", "LAMP-1", 1, 30m)]))
            .WithRefund(5m, refundedAt).WithRefund(7m, refundedAt.AddHours(2), Domain.Orders.RefundState.Pending);
        var c = SalesContribution.Of(order, Returning);

        At(c, SalesDimension.Total, "", SaleHour).Refunds.ShouldBe(0);
        At(c, SalesDimension.Total, "", SalesContribution.Hour(refundedAt)).ShouldBe(SalesMeasures.Zero with { Refunds = 500 });
        c.Keys.ShouldNotContain(k => k.Contains("2026-12-09T10", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cancelled_paid_order_keeps_its_sale_and_counts_its_refund_so_it_nets_to_nothing()
    {
        var refundedAt = PaidAt.AddDays(1);
        var order = Paid(Priced([Line("prod_lamp", "LAMP-1", 1, 30m)], shippingFee: 5m)).WithRefund(35m, refundedAt) with { Status = OrderStatus.Cancelled };
        var total = Sum(Rows(SalesContribution.Of(order, Returning), SalesDimension.Total).Values);

        total.Gross.ShouldBe(3000);
        total.Refunds.ShouldBe(3500);
        total.Orders.ShouldBe(1);
        total.Net.ShouldBe(0);
    }

    [Fact]
    public void Shipping_tax_and_a_refund_are_split_over_the_lines_by_their_net_to_the_cent_by_largest_remainder()
    {
        // Three lines of equal net: 10.00 of shipping is 3.34 + 3.33 + 3.33, never 3.33 x 3 (a cent lost) or 3.34 x 3.
        var pricing = Priced([Line("prod_a", "A", 1, 10m), Line("prod_b", "B", 1, 10m), Line("prod_c", "C", 1, 10m)], shippingFee: 10m);
        var order = Paid(pricing).WithRefund(1.00m, PaidAt.AddHours(3));
        var c = SalesContribution.Of(order, Returning);

        var products = Rows(c, SalesDimension.Product);
        products.Values.Select(m => m.Shipping).Where(s => s != 0).OrderByDescending(s => s).ShouldBe([334, 333, 333]);
        products.Values.Select(m => m.Refunds).Where(r => r != 0).OrderByDescending(r => r).ShouldBe([34, 33, 33]);
        Sum(products.Values).ShouldBe(Sum(Rows(c, SalesDimension.Total).Values) with { Orders = 3, ReturningCustomerOrders = 3 });
    }

    [Theory]
    [InlineData(1, 997, 3)]
    [InlineData(2, 1, 1000)]
    [InlineData(7, 333, 333)]
    [InlineData(0, 0, 1)]
    public void A_split_always_adds_up_to_the_amount_and_follows_the_weights(long amount, long w1, long w2)
    {
        var shares = SalesContribution.Split(amount, [w1, w2]);
        shares.Sum().ShouldBe(amount);
        if (w1 > w2) shares[0].ShouldBeGreaterThanOrEqualTo(shares[1]);
        SalesContribution.Split(-amount, [w1, w2]).ShouldBe(shares.Select(s => -s).ToArray());
    }

    [Fact]
    public void Random_orders_sum_over_every_dimension_to_the_order_to_the_cent()
    {
        var random = new Random(11);
        for (var n = 0; n < 300; n++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 5)).Select(i =>
            {
                var unit = random.Next(1, 5000) / 100m;
                var quantity = random.Next(1, 4);
                var discount = random.Next(0, 2) == 0 ? 0m : decimal.Round(unit * quantity * random.Next(1, 50) / 100m, 2);
                return Line(i % 2 == 0 ? "prod_lamp" : "prod_mug", $"SKU-{i}", quantity, unit, discount, taxRate: random.Next(0, 3) * 0.09m);
            }).ToList();
            var shippingFee = random.Next(0, 1000) / 100m;
            var order = Paid(Priced(lines, shippingFee: shippingFee, shippingTax: decimal.Round(shippingFee * 0.21m, 2)));
            var captured = order.Pricing.Total.Amount;
            order = order.WithRefund(decimal.Round(captured * random.Next(1, 100) / 100m, 2), PaidAt.AddDays(random.Next(1, 40)));

            var c = SalesContribution.Of(order, Returning);
            var total = Sum(Rows(c, SalesDimension.Total).Values);
            total.Net.ShouldBe(SalesContribution.ToMinor(captured - order.Refunds[0].Amount.Amount, "EUR"));
            foreach (var d in (SalesDimension[])[SalesDimension.Variant, SalesDimension.Customer, SalesDimension.Country, SalesDimension.PaymentMethod, SalesDimension.Channel, SalesDimension.Promotion])
            {
                var sum = Sum(Rows(c, d).Values);
                (sum with { Orders = 0, ReturningCustomerOrders = 0 }).ShouldBe(total with { Orders = 0, ReturningCustomerOrders = 0 }, $"order {n}, {d}");
            }
        }
    }

    [Fact]
    public void A_line_counts_in_its_category_and_every_ancestor_and_a_category_counts_an_order_once()
    {
        var pricing = Priced([Line("prod_lamp", "LAMP-1", 1, 20m), Line("prod_mug", "MUG-1", 2, 5m)]);
        var c = SalesContribution.Of(Paid(pricing), Returning);

        At(c, SalesDimension.Category, "cat_home", SaleHour).ShouldBe(SalesMeasures.Zero with { Gross = 3000, Units = 3, Orders = 1, ReturningCustomerOrders = 1 });
        At(c, SalesDimension.Category, "cat_lighting", SaleHour).Gross.ShouldBe(2000);
        At(c, SalesDimension.Category, "cat_kitchen", SaleHour).Gross.ShouldBe(1000);
        Rows(c, SalesDimension.Category).Count.ShouldBe(3);
    }

    [Fact]
    public void A_product_the_facts_know_no_category_of_counts_under_none()
    {
        var c = SalesContribution.Of(Paid(Priced([Line("prod_gone", "GONE-1", 1, 20m)])), Returning);
        At(c, SalesDimension.Category, SalesContribution.None, SaleHour).Gross.ShouldBe(2000);
    }

    [Fact]
    public void Each_currency_is_counted_apart_in_its_own_minor_units()
    {
        var yen = SalesContribution.Of(Paid(Priced([Line("prod_lamp", "LAMP-1", 1, 1500m, currency: "JPY")], currency: "JPY")), Returning);
        At(yen, SalesDimension.Total, "", SaleHour, "JPY").Gross.ShouldBe(1500);
        yen.Keys.ShouldAllBe(k => SalesBucket.Parse(k).Currency == "JPY");
    }

    [Fact]
    public void A_new_customer_is_counted_as_new_in_every_dimension()
    {
        var c = SalesContribution.Of(Paid(Priced([Line("prod_lamp", "LAMP-1", 1, 20m)])), Returning with { NewCustomer = true });
        foreach (var m in c.Values) (m.NewCustomerOrders, m.ReturningCustomerOrders).ShouldBe((1L, 0L));
    }

    [Fact]
    public void The_channel_is_the_last_touch_source_and_medium_and_direct_without_one()
    {
        var touch = new MarketingTouch("newsletter", "email", "dec", null, null, null, null, null, PaidAt.AddDays(-1));
        var pricing = Priced([Line("prod_lamp", "LAMP-1", 1, 20m)]);
        SalesContribution.Channel(Paid(pricing, attribution: new CartAttribution(touch with { UtmSource = "google", UtmMedium = "cpc" }, touch))).ShouldBe("newsletter / email");
        SalesContribution.Channel(Paid(pricing, attribution: new CartAttribution(touch, touch with { UtmMedium = null }))).ShouldBe("newsletter / (none)");
        SalesContribution.Channel(Paid(pricing)).ShouldBe(SalesContribution.Direct);
    }

    [Fact]
    public void Promotions_each_count_the_whole_order_and_orders_without_one_count_under_none()
    {
        var c = SalesContribution.Of(Paid(Priced([Line("prod_lamp", "LAMP-1", 1, 20m, discount: 2m, promotion: "promo_xmas")], promotions: ["promo_xmas", "promo_ship"])), Returning);
        At(c, SalesDimension.Promotion, "promo_xmas", SaleHour).Net.ShouldBe(1800);
        At(c, SalesDimension.Promotion, "promo_ship", SaleHour).Net.ShouldBe(1800);
        var plain = SalesContribution.Of(Paid(Priced([Line("prod_lamp", "LAMP-1", 1, 20m)])), Returning);
        At(plain, SalesDimension.Promotion, SalesContribution.None, SaleHour).Orders.ShouldBe(1);
    }

    [Fact]
    public void The_delta_between_two_contributions_is_only_what_changed()
    {
        var order = Paid(Priced([Line("prod_lamp", "LAMP-1", 1, 30m)]));
        var before = SalesContribution.Of(order, Returning);
        var refundedAt = PaidAt.AddDays(2);
        var after = SalesContribution.Of(order.WithRefund(10m, refundedAt), Returning);

        var delta = SalesContribution.Delta(before, after);
        foreach (var m in delta.Values) m.ShouldBe(SalesMeasures.Zero with { Refunds = 1000 });
        delta.Keys.ShouldAllBe(k => SalesBucket.Parse(k).Hour == SalesContribution.Hour(refundedAt));
        SalesContribution.Delta(after, after).ShouldBeEmpty();
        SalesContribution.Delta(after, new Dictionary<string, SalesMeasures>()).Values.ShouldAllBe(m => m.Net <= 0 || m.Refunds < 0);
    }

    [Fact]
    public void A_bucket_key_reads_back_as_written_even_with_bars_in_its_value()
    {
        var bucket = new SalesBucket(SalesDimension.Channel, SaleHour, "EUR", "a|b / cpc");
        SalesBucket.Parse(bucket.ToString()).ShouldBe(bucket);
        Should.Throw<FormatException>(() => SalesBucket.Parse("nonsense|2026|EUR"));
    }
}
