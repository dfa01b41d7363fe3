using Serverless.Shop.Domain.Analytics.Sales;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Sales;

/// <summary>How a delta reaches the month documents: its hours summed per day.</summary>
public sealed class SalesDeltaByDayTests
{
    [Fact]
    public void Hours_of_one_day_are_summed_into_that_day_and_days_that_cancel_out_are_left_out()
    {
        var day = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
        string Key(DateTimeOffset hour, string value = "p") => new SalesBucket(SalesDimension.Product, hour, "EUR", value).ToString();
        var delta = new Dictionary<string, SalesMeasures>
        {
            [Key(day.AddHours(9))] = SalesMeasures.Zero with { Gross = 100, Orders = 1 },
            [Key(day.AddHours(15))] = SalesMeasures.Zero with { Refunds = 30 },
            [Key(day.AddDays(1).AddHours(1))] = SalesMeasures.Zero with { Refunds = 5 },
            [Key(day.AddDays(1).AddHours(2))] = SalesMeasures.Zero with { Refunds = -5 },
            [Key(day.AddHours(9), "q")] = SalesMeasures.Zero with { Units = 2 },
        };

        var byDay = CountOrderSales.ByDay(delta);

        byDay.Count.ShouldBe(2);
        byDay[Key(day)].ShouldBe(SalesMeasures.Zero with { Gross = 100, Orders = 1, Refunds = 30 });
        byDay[Key(day, "q")].ShouldBe(SalesMeasures.Zero with { Units = 2 });
    }
}
