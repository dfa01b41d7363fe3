using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Analytics.Sales;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Reports;

public sealed class BuildBusinessReportTests
{
    private static DateTimeOffset Utc(int d, int h) => new(2026, 12, d, h, 0, 0, TimeSpan.Zero);
    private static readonly SalesMeasures OneOrder = new(1000, 0, 0, 0, 0, 1, 1, 1, 0);

    private readonly InMemorySalesAnalytics sales = new();
    private readonly InMemoryBehaviourAnalytics behaviour = new();
    private readonly FixedSalesNames names = new();
    private BuildBusinessReport Builder(params RunningOutOfStock[] low) => new(sales, names, behaviour, new FixedLowStock(low), new ReportClock(Utc(7, 9)));

    [Fact]
    public async Task Revenue_and_orders_are_compared_with_the_previous_period_per_currency_never_converted()
    {
        sales.Sale(Utc(6, 10), "EUR", 10_000).Sale(Utc(6, 11), "EUR", 5_000, discounts: 500, newCustomer: false).Sale(Utc(6, 12), "USD", 2_000)
            .Sale(Utc(5, 10), "EUR", 5_000)   // the day before: the previous period
            .Sale(Utc(7, 1), "EUR", 99_999);  // today: in neither

        var report = await Builder().BuildAsync(ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 12, 6), "UTC"), CancellationToken.None);

        report.Revenue.Select(r => r.Currency).ShouldBe(["EUR", "USD"]);
        var eur = report.Revenue[0];
        eur.Current.Net.ShouldBe(14_500);
        eur.Current.Orders.ShouldBe(2);
        eur.Current.NewCustomerOrders.ShouldBe(1);
        eur.Current.ReturningCustomerOrders.ShouldBe(1);
        eur.Previous.Net.ShouldBe(5_000);
        eur.NetChangePercent.ShouldBe(190.0m);
        var usd = report.Revenue[1];
        usd.Current.Net.ShouldBe(2_000);
        usd.Previous.ShouldBe(SalesMeasures.Zero);
        usd.NetChangePercent.ShouldBeNull();
    }

    [Fact]
    public async Task The_returns_rate_is_refunds_over_what_was_charged()
    {
        sales.Sale(Utc(6, 10), "EUR", 10_000, discounts: 2_000, refunds: 2_000);

        var report = await Builder().BuildAsync(ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 12, 6), "UTC"), CancellationToken.None);

        report.Revenue.Single().RefundRatePercent.ShouldBe(25.0m); // 2,000 of 8,000 charged
    }

    [Fact]
    public async Task Net_by_day_follows_the_reports_time_zone_and_shows_every_day()
    {
        // 23:30 UTC on Dec 1 is Dec 2 in Berlin.
        sales.Sale(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero), "EUR", 700);
        sales.Sale(Utc(3, 12), "EUR", 300);

        var week = ReportPeriods.Of(ReportKind.Weekly, new DateOnly(2026, 11, 30), "Europe/Berlin");
        var report = await Builder().BuildAsync(week, CancellationToken.None);

        report.NetByDay.Count.ShouldBe(7);
        report.NetByDay.Single(d => d.Day == new DateOnly(2026, 12, 2)).Net.ShouldBe(700);
        report.NetByDay.Single(d => d.Day == new DateOnly(2026, 12, 3)).Net.ShouldBe(300);
        report.NetByDay.Where(d => d.Day != new DateOnly(2026, 12, 2) && d.Day != new DateOnly(2026, 12, 3)).ShouldAllBe(d => d.Net == 0);
        report.NetByDay.Sum(d => d.Net).ShouldBe(report.Revenue.Single().Current.Net);
    }

    [Fact]
    public async Task Top_products_and_categories_are_the_ten_best_by_net_per_currency()
    {
        for (var i = 1; i <= 12; i++)
            sales.Add(SalesDimension.Product, $"p{i:00}", Utc(6, 10), "EUR", OneOrder with { Gross = i * 100 });
        sales.Add(SalesDimension.Product, "usd-only", Utc(6, 10), "USD", OneOrder);
        sales.Add(SalesDimension.Category, "lamps", Utc(6, 10), "EUR", OneOrder with { Gross = 5_000 });
        sales.Add(SalesDimension.Category, "lighting", Utc(6, 10), "EUR", OneOrder with { Gross = 9_000 });

        var report = await Builder().BuildAsync(ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 12, 6), "UTC"), CancellationToken.None);

        report.TopProducts.Where(p => p.Currency == "EUR").Select(p => p.Key).ShouldBe(["p12", "p11", "p10", "p09", "p08", "p07", "p06", "p05", "p04", "p03"]);
        report.TopProducts.Where(p => p.Currency == "USD").Select(p => p.Key).ShouldBe(["usd-only"]);
        report.TopCategories.Select(c => c.Key).ShouldBe(["lighting", "lamps"]);
        sales.Queries.Where(q => q.GroupBy is SalesDimension.Product or SalesDimension.Category).ShouldAllBe(q => q.Top == BuildBusinessReport.TopCount);
    }

    [Fact]
    public async Task Products_categories_and_promotions_carry_their_names_now_and_a_deleted_one_none()
    {
        sales.Add(SalesDimension.Product, "prod_lamp", Utc(6, 10), "EUR", OneOrder with { Gross = 2_000 });
        sales.Add(SalesDimension.Product, "prod_gone", Utc(6, 10), "EUR", OneOrder);
        sales.Add(SalesDimension.Category, "cat_lighting", Utc(6, 10), "EUR", OneOrder);
        sales.Add(SalesDimension.Promotion, "promo_winter", Utc(6, 10), "EUR", OneOrder with { Discounts = 100 });
        names.Name(SalesDimension.Product, "prod_lamp", "Red lamp").Name(SalesDimension.Category, "cat_lighting", "Lighting")
            .Name(SalesDimension.Promotion, "promo_winter", "WINTER10 (Winter sale)")
            .Name(SalesDimension.Category, "prod_lamp", "not a category"); // names are per dimension

        var report = await Builder().BuildAsync(ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 12, 6), "UTC"), CancellationToken.None);

        report.TopProducts.Select(p => (p.Key, p.Name)).ShouldBe([("prod_lamp", "Red lamp"), ("prod_gone", (string?)null)]);
        report.TopCategories.ShouldHaveSingleItem().Name.ShouldBe("Lighting");
        report.Promotions.ShouldHaveSingleItem().Name.ShouldBe("WINTER10 (Winter sale)");
    }

    [Fact]
    public async Task Each_promotion_shows_its_cost_and_the_net_of_the_orders_that_used_it()
    {
        sales.Add(SalesDimension.Promotion, "WINTER10", Utc(6, 10), "EUR", new SalesMeasures(10_000, 1_000, 0, 500, 0, 3, 2, 1, 1));

        var report = await Builder().BuildAsync(ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 12, 6), "UTC"), CancellationToken.None);

        var promotion = report.Promotions.ShouldHaveSingleItem();
        promotion.PromotionId.ShouldBe("WINTER10");
        promotion.Cost.ShouldBe(1_000);
        promotion.NetSales.ShouldBe(9_500);
        promotion.Orders.ShouldBe(2);
    }

    [Fact]
    public async Task The_funnel_abandoned_carts_and_low_stock_come_from_their_read_models_for_the_periods_days()
    {
        behaviour.Funnel = new FunnelCounts(100, 30, 12, 9);
        behaviour.Days.Add(new AbandonedCartDay(new DateOnly(2026, 11, 30), "EUR", 4, 20_000, 1, 5_000, 1));
        behaviour.Days.Add(new AbandonedCartDay(new DateOnly(2026, 12, 6), "EUR", 6, 30_000, 2, 8_000, 1));
        behaviour.Days.Add(new AbandonedCartDay(new DateOnly(2026, 12, 7), "EUR", 50, 1, 0, 0, 0)); // next week: not in it

        var week = ReportPeriods.Of(ReportKind.Weekly, new DateOnly(2026, 11, 30), "UTC");
        var report = await Builder(new RunningOutOfStock("LAMP-RED", 1, 2, 5)).BuildAsync(week, CancellationToken.None);

        report.Funnel.ShouldBe(new FunnelCounts(100, 30, 12, 9));
        behaviour.Asked.ShouldBe([(new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 7))]);
        var carts = report.AbandonedCarts.ShouldHaveSingleItem();
        carts.ShouldBe(new AbandonedCartTotals("EUR", 10, 50_000, 3, 13_000, 2));
        carts.RecoveryRatePercent.ShouldBe(30.0m);
        report.LowStock.ShouldHaveSingleItem().Sku.ShouldBe("LAMP-RED");
    }

    [Fact]
    public async Task A_period_without_any_sales_is_an_empty_report_not_an_error()
    {
        var report = await Builder().BuildAsync(ReportPeriods.Of(ReportKind.Monthly, new DateOnly(2026, 11, 1), "UTC"), CancellationToken.None);

        report.Revenue.ShouldBeEmpty();
        report.NetByDay.ShouldBeEmpty();
        report.TopProducts.ShouldBeEmpty();
        report.Title.ShouldBe("Monthly report 2026-11");
        report.PreviousPeriod.FirstDay.ShouldBe(new DateOnly(2026, 10, 1));
    }
}
