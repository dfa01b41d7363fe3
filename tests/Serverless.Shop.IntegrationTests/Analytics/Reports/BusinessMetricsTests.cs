using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Infrastructure.Analytics.Reports;
using Serverless.Shop.IntegrationTests.Checkout;

namespace Serverless.Shop.IntegrationTests.Analytics.Reports;

/// <summary>
/// The business counters (docs/analytics.md#business-metrics) as OpenTelemetry reads them: a MeterListener on the
/// meter Serverless.Shop.Business of this shop sees a real checkout start, place, pay and bring in its total, and a
/// declined one fail.
/// </summary>
[Collection(ReportShopCollection.Name)]
public sealed class BusinessMetricsTests(ReportShopFixture fixture) : IDisposable
{
    private readonly ConcurrentQueue<(string Instrument, long Value, string? Currency)> measured = new();
    private MeterListener? listener;

    public void Dispose() => listener?.Dispose();

    private void Listen()
    {
        // Only this shop's meter: tests in other collections run their own shops in this process.
        var factory = fixture.Shop.Services.GetRequiredService<IMeterFactory>();
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == OpenTelemetryBusinessMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? currency = null;
            foreach (var tag in tags) if (tag.Key == "currency") currency = tag.Value as string;
            measured.Enqueue((instrument.Name, value, currency));
        });
        listener.Start();
    }

    private long Sum(string instrument) => measured.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    [Fact]
    public async Task A_paid_checkout_counts_as_started_placed_and_paid_with_its_total_as_revenue()
    {
        Listen();
        var shop = new CheckoutShopper(fixture);
        var mug = await shop.ProductInStockAsync(units: 2, price: 17.30m);

        var placed = await shop.PlaceAsync(await shop.CartWithAsync(mug, 1));
        await shop.CompletedAsync(placed.Number);
        var total = (long)(placed.Body.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal() * 100);

        await HttpTestExtensions.EventuallyAsync(() => Task.FromResult(Sum("shop.revenue")), sum => sum >= total);
        Sum("shop.checkouts.started").ShouldBe(1);
        Sum("shop.orders.placed").ShouldBe(1);
        Sum("shop.orders.paid").ShouldBe(1);
        measured.Where(m => m.Instrument == "shop.revenue").ShouldHaveSingleItem().ShouldBe(("shop.revenue", total, "EUR"));
        Sum("shop.checkouts.failed").ShouldBe(0);
    }

    [Fact]
    public async Task A_declined_checkout_counts_as_failed_and_brings_in_nothing()
    {
        Listen();
        var shop = new CheckoutShopper(fixture);
        var mug = await shop.ProductInStockAsync(units: 2);

        var placed = await shop.PlaceAsync(await shop.CartWithAsync(mug, 1), token: "4000000000000002");
        await shop.FinishedAsync(placed.Number);

        await HttpTestExtensions.EventuallyAsync(() => Task.FromResult(Sum("shop.checkouts.failed")), sum => sum >= 1);
        Sum("shop.checkouts.failed").ShouldBe(1);
        Sum("shop.orders.paid").ShouldBe(0);
        Sum("shop.revenue").ShouldBe(0);
    }
}
