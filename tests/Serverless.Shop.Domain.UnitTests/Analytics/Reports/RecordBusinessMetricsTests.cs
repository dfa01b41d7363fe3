using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Reports;

public sealed class RecordBusinessMetricsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private sealed class Counted : IBusinessMetrics
    {
        public List<string> Calls { get; } = [];
        public void CheckoutStarted() => Calls.Add("started");
        public void OrderPlaced(string currency) => Calls.Add($"placed {currency}");
        public void OrderPaid(string currency, long amountMinorUnits) => Calls.Add($"paid {currency} {amountMinorUnits}");
        public void CheckoutFailed(string currency) => Calls.Add($"failed {currency}");
    }

    private static Order Order(OrderStatus status) =>
        new("SS-TEST-0001", "SS-TEST-0001", null, "ada@example.com", status, "EUR", Breakdown(), Address, Quote, PaymentMethod.Card,
            null, null, null, null, "hash", [], [], [], At, At, null, null);

    private static async Task<List<string>> ReactAsync(OrderChange change, OrderStatus status, string actor)
    {
        var metrics = new Counted();
        await new RecordBusinessMetrics(metrics).ReactAsync(Order(status), new OrderHistoryEntry(1, At, change, status, actor), CancellationToken.None);
        return metrics.Calls;
    }

    [Fact]
    public async Task A_placed_order_counts_as_placed_in_its_currency() =>
        (await ReactAsync(OrderChange.Placed, OrderStatus.PendingPayment, CheckoutActor.Id)).ShouldBe(["placed EUR"]);

    [Fact]
    public async Task A_paid_order_counts_as_paid_with_its_total_in_minor_units() =>
        (await ReactAsync(OrderChange.Paid, OrderStatus.Paid, CheckoutActor.Id)).ShouldBe(["paid EUR 4650"]);

    [Fact]
    public async Task Only_a_cancellation_by_the_checkout_is_a_failed_checkout()
    {
        (await ReactAsync(OrderChange.Cancelled, OrderStatus.Cancelled, CheckoutActor.Id)).ShouldBe(["failed EUR"]);
        (await ReactAsync(OrderChange.Cancelled, OrderStatus.Cancelled, Support.Id)).ShouldBeEmpty();
        (await ReactAsync(OrderChange.Cancelled, OrderStatus.Cancelled, Customer.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Other_changes_count_nothing()
    {
        (await ReactAsync(OrderChange.Shipped, OrderStatus.Shipped, "system:carrier")).ShouldBeEmpty();
        (await ReactAsync(OrderChange.Refunded, OrderStatus.Refunded, Support.Id)).ShouldBeEmpty();
    }
}
