using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Analytics.Reports;

/// <summary>
/// The business counters the Azure portal charts next to the technical ones (OpenTelemetry metrics to Application
/// Insights; docs/analytics.md#business-metrics). Operational signals, counted at least once: a redelivered order event
/// can count twice. The exact figures are the sales rollups'.
/// </summary>
public interface IBusinessMetrics
{
    void CheckoutStarted();
    void OrderPlaced(string currency);
    void OrderPaid(string currency, long amountMinorUnits);
    void CheckoutFailed(string currency);
}

/// <summary>
/// Counts orders placed, orders paid with their revenue, and checkouts the checkout itself cancelled (declined,
/// sold out, a payment that never came), from the order events: each history entry reaches the reactions once
/// (redelivered rarely), whichever way the change happened. Tests: RecordBusinessMetricsTests, BusinessMetricsTests.
/// </summary>
public sealed class RecordBusinessMetrics(IBusinessMetrics metrics) : IOrderChangeReaction
{
    /// <summary>The actor of the history entries the checkout orchestration writes (<see cref="Actor.System"/>("checkout")).</summary>
    public static readonly string CheckoutActor = Actor.System("checkout").Id;

    public Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        switch (entry.Change)
        {
            case OrderChange.Placed:
                metrics.OrderPlaced(order.Currency);
                break;
            case OrderChange.Paid:
                metrics.OrderPaid(order.Currency, MoneyRounding.ToMinorUnits(order.Pricing.Total.Amount, Currencies.MinorDigits(order.Currency)));
                break;
            case OrderChange.Cancelled when entry.Actor == CheckoutActor:
                metrics.CheckoutFailed(order.Currency);
                break;
        }
        return Task.CompletedTask;
    }
}
