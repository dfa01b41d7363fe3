using System.Diagnostics.Metrics;
using Serverless.Shop.Domain.Analytics.Reports;

namespace Serverless.Shop.Infrastructure.Analytics.Reports;

/// <summary>
/// The business counters on the meter <c>Serverless.Shop.Business</c> (System.Diagnostics.Metrics, which the
/// OpenTelemetry SDK reads; Program.cs exports the meter to Azure Monitor, where they are customMetrics). Money is in
/// minor units with a <c>currency</c> attribute, never added across currencies. Tests: BusinessMetricsTests.
/// </summary>
public sealed class OpenTelemetryBusinessMetrics : IBusinessMetrics, IDisposable
{
    public const string MeterName = "Serverless.Shop.Business";

    private readonly Meter meter;
    private readonly Counter<long> checkoutsStarted, ordersPlaced, ordersPaid, revenue, checkoutsFailed;

    public OpenTelemetryBusinessMetrics(IMeterFactory factory)
    {
        meter = factory.Create(MeterName);
        checkoutsStarted = meter.CreateCounter<long>("shop.checkouts.started", "{checkout}", "Checkouts started (an order was placed and its checkout began).");
        ordersPlaced = meter.CreateCounter<long>("shop.orders.placed", "{order}", "Orders placed, per currency.");
        ordersPaid = meter.CreateCounter<long>("shop.orders.paid", "{order}", "Orders paid, per currency.");
        revenue = meter.CreateCounter<long>("shop.revenue", "{minor unit}", "What paid orders charged, in the currency's minor units, per currency.");
        checkoutsFailed = meter.CreateCounter<long>("shop.checkouts.failed", "{checkout}", "Checkouts the checkout cancelled (declined, sold out, not paid in time), per currency.");
    }

    public void CheckoutStarted() => checkoutsStarted.Add(1);

    public void OrderPlaced(string currency) => ordersPlaced.Add(1, Currency(currency));

    public void OrderPaid(string currency, long amountMinorUnits)
    {
        ordersPaid.Add(1, Currency(currency));
        revenue.Add(amountMinorUnits, Currency(currency));
    }

    public void CheckoutFailed(string currency) => checkoutsFailed.Add(1, Currency(currency));

    private static KeyValuePair<string, object?> Currency(string currency) => new("currency", currency);

    public void Dispose() => meter.Dispose();
}
