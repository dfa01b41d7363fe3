using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Domain.Checkout;

/// <summary>What reconciliation did to one order.</summary>
public enum ReconcileAction
{
    /// <summary>The running checkout was told of the money in the ledger.</summary>
    Signalled,
    /// <summary>The checkout was started again; it finds the money in the ledger and marks the order paid.</summary>
    Restarted,
    /// <summary>Refunds of money the order does not want were made (or handed to staff, for a bank transfer).</summary>
    Refunded,
    /// <summary>A provider's search found a charge the shop had not recorded; it is recorded now.</summary>
    PaymentFound,
    /// <summary>Nothing to do yet: the order is too young to count as interrupted.</summary>
    Waiting,
    /// <summary>The fix failed (a provider down, a refund refused): the order stays flagged for staff and the next run.</summary>
    FlaggedForStaff,
}

public sealed record ReconciledOrder(string Number, ReconcileAction Action, string? Detail = null);

/// <summary>
/// The safety net for money, run by a timer (docs/orders.md, "Reconciliation"). It looks at two kinds of orders and
/// fixes them through the same paths everything else uses:
/// <list type="bullet">
/// <item>orders whose ledger and status disagree (<see cref="OrderPaymentRules.NeedsAttention"/>, a flag on the stored
/// order): money captured while the order is still pending payment is passed to its checkout (signalled if it runs,
/// started again through <see cref="FindInterruptedCheckouts.ResumeIfInterruptedAsync"/> if it is gone); refunds the shop
/// started that failed or stopped half-way are made again (same idempotency keys);</item>
/// <item>card orders stuck pending payment past <see cref="CheckoutSettings.ResumeAfter"/>: the card provider is asked
/// for the order's payments (by the order number in their metadata), so a charge whose webhook never came is recorded
/// and then handled as above; a checkout that is gone is started again.</item>
/// </list>
/// Listing reads order summaries only; a whole order is read only to act on it.
/// </summary>
public sealed class ReconcilePayments(
    IOrderStore orders, RecordPayments payments, OrderRefunds refunds, FindInterruptedCheckouts interrupted,
    PaymentGateways gateways, IEnumerable<IPaymentSearch> searches, CheckoutSettings settings, TimeProvider clock)
{
    public const int MaximumPages = 10;
    private const int PageSize = 100;

    public async Task<IReadOnlyList<ReconciledOrder>> RunAsync(ICheckoutSignals signals, CancellationToken ct)
    {
        var done = new List<ReconciledOrder>();
        foreach (var number in await ListAsync(token => orders.ListNeedingReconciliationAsync(new PageRequest(PageSize, token), ct)))
            done.Add(await GuardedAsync(number, () => SettleAsync(number, signals, ct)));

        if (CardSearch() is { } search)
        {
            var stuckSince = clock.GetUtcNow() - settings.ResumeAfter;
            var stuck = await ListAsync(token => orders.SearchAsync(
                new OrderSearch(Status: OrderStatus.PendingPayment, CreatedTo: stuckSince, PaymentMethod: PaymentMethod.Card), new PageRequest(PageSize, token), ct));
            foreach (var number in stuck.Where(n => done.All(d => d.Number != n)))
                done.Add(await GuardedAsync(number, () => AskProviderAsync(search, number, signals, ct)));
        }
        return done;
    }

    /// <summary>An order whose ledger and status disagree.</summary>
    private async Task<ReconciledOrder> SettleAsync(string number, ICheckoutSignals signals, CancellationToken ct)
    {
        var order = (await orders.FindAsync(number, ct))?.Value;
        if (order is null || !OrderPaymentRules.NeedsAttention(order)) return new ReconciledOrder(number, ReconcileAction.Waiting, "already settled");
        if (order.Status == OrderStatus.PendingPayment) return await PassCaptureToCheckoutAsync(order, signals, ct);
        await refunds.CompleteOpenAsync(number, OrderRefunds.CancellationRefund, ct);
        await refunds.CompleteOpenAsync(number, OrderRefunds.UnwantedPaymentRefund, ct);
        await refunds.CompleteOpenAsync(number, OrderReturn.RefundPrefix, ct);
        return new ReconciledOrder(number, ReconcileAction.Refunded);
    }

    /// <summary>A card order stuck pending payment: what does the provider hold for it?</summary>
    private async Task<ReconciledOrder> AskProviderAsync(IPaymentSearch search, string number, ICheckoutSignals signals, CancellationToken ct)
    {
        Order? order = null;
        foreach (var found in (await search.FindByOrderAsync(number, ct)).Where(p => p.Captured && p.OrderId == number))
        {
            var entry = new LedgerEntry(LedgerKeys.Captured(found.Provider, found.PaymentId), found.Provider, found.PaymentId,
                LedgerEntryKind.Captured, found.Amount, found.CreatedAt, "reconciliation");
            order = (await payments.RecordAsync(number, entry, ct)).Order;
        }
        if (order is { Status: OrderStatus.PendingPayment })
        {
            var passed = await PassCaptureToCheckoutAsync(order, signals, ct);
            return passed with { Action = ReconcileAction.PaymentFound, Detail = $"{passed.Action}: {passed.Detail}" };
        }
        if (order is not null) return new ReconciledOrder(number, ReconcileAction.PaymentFound, $"the order is {OrderTransitions.Describe(order.Status)}");
        order = (await orders.FindAsync(number, ct))?.Value;
        return order is not null && await interrupted.ResumeIfInterruptedAsync(order, signals, ct)
            ? new ReconciledOrder(number, ReconcileAction.Restarted, "no payment at the provider")
            : new ReconciledOrder(number, ReconcileAction.Waiting, "no payment at the provider; the checkout is running");
    }

    // The ledger holds money for an order still pending payment: its checkout must hear of it.
    private async Task<ReconciledOrder> PassCaptureToCheckoutAsync(Order order, ICheckoutSignals signals, CancellationToken ct)
    {
        var capture = order.Ledger!.FirstCapture!;
        var transfer = capture.Key.StartsWith("transfer:", StringComparison.Ordinal);
        // The event id a transfer was recorded under is its source, so the checkout records the same entry (not a second one).
        var payment = new PaymentEvent(transfer ? capture.Source ?? capture.Key : capture.Key, capture.Provider,
            transfer ? PaymentEventType.TransferReceived : PaymentEventType.PaymentSucceeded, order.Number, capture.PaymentId, capture.Amount, capture.At, null);
        if (await signals.SignalPaymentAsync(payment, ct)) return new ReconciledOrder(order.Number, ReconcileAction.Signalled, capture.PaymentId);
        return await interrupted.ResumeIfInterruptedAsync(order, signals, ct)
            ? new ReconciledOrder(order.Number, ReconcileAction.Restarted, capture.PaymentId)
            : new ReconciledOrder(order.Number, ReconcileAction.Waiting, "placed moments ago; its checkout will find the payment");
    }

    private IPaymentSearch? CardSearch()
    {
        if (!gateways.Supports(PaymentMethod.Card)) return null;
        var provider = gateways.For(PaymentMethod.Card).Provider;
        return searches.FirstOrDefault(s => s.Provider == provider);
    }

    private static async Task<ReconciledOrder> GuardedAsync(string number, Func<Task<ReconciledOrder>> act)
    {
        try { return await act(); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One order's trouble (a provider down, a refund refused) must not stop the others; the order stays flagged.
            return new ReconciledOrder(number, ReconcileAction.FlaggedForStaff, e.Message);
        }
    }

    private static async Task<List<string>> ListAsync(Func<string?, Task<Page<OrderSummary>>> read)
    {
        var numbers = new List<string>();
        string? token = null;
        for (var page = 0; page < MaximumPages; page++)
        {
            var found = await read(token);
            numbers.AddRange(found.Items.Select(o => o.Number));
            if ((token = found.ContinuationToken) is null) break;
        }
        return numbers;
    }
}
