using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// An approved return came back: staff inspect each line (restock to a warehouse, or write off), the units restocked go
/// back into stock with an audited adjustment (reason Returned), and the received units are refunded through the
/// payment ledger (<see cref="OrderRefunds"/>).
/// </summary>
/// <remarks>
/// Order of work, so that money and stock are never lost nor counted twice: (1) one conditional write records the
/// inspection and claims the refund (a pending refund with operation id <c>return:&lt;id&gt;</c>, holding its amount),
/// so two receipts at once record one and claim one refund; (2) each restock is a stock adjustment whose id is the
/// order, return and line (<see cref="ReturnRules.RestockAdjustmentId"/>), applied once however often it is asked,
/// then marked done on the return; (3) the claimed refund is made with its idempotency key. Receiving the same return
/// again redoes (2) and (3) where they did not finish, and nothing else; a refund left failed is also finished by
/// reconciliation (a shop-initiated refund, <see cref="OrderRefunds.IsShopInitiated"/>). Tests: ItemReturnReceiptTests.
/// </remarks>
public sealed class ReceiveItemReturns(IOrderStore orders, IWorkQueue queue, ManageStock stock, OrderRefunds refunds, ReturnSettings settings, TimeProvider clock)
{
    private readonly OrderWrites _writes = new(orders, queue);

    /// <summary>The return whose parcel arrived, inspected as <paramref name="input"/> says; see the class remarks.</summary>
    public async Task<Order> ReceiveAsync(string number, string returnId, ReturnReceiptInput input, Actor actor, CancellationToken ct)
    {
        var normalised = ManageOrders.Normalised(number);
        var received = await _writes.ChangeAsync(normalised, order =>
        {
            var ret = RequestItemReturns.Find(order, returnId);
            if (ret.Status == ReturnStatus.Received) return RequestItemReturns.Replay(order, OrderChange.ReturnReceived, ret.Id);
            var lines = Parse(order, ret, input);
            if (ret.Status != ReturnStatus.Approved)
                throw new BusinessRuleViolationException($"Return {ret.Id} of order {order.Number} is {RequestItemReturns.Describe(ret.Status)}; only an approved return can be received.", "status");

            var now = clock.GetUtcNow();
            var inspected = ret with { Status = ReturnStatus.Received, Lines = lines, ReceivedBy = actor.Id, ReceivedAt = now };
            var (refundLines, amount, shipping) = ReturnRules.Refund(order, inspected, settings);
            // What staff refunded by hand before is not given back twice: the claim is capped at what is still refundable.
            var claim = new Money(Math.Min(amount.Amount, Math.Max(0m, order.RefundableAmount.Amount)), order.Currency);
            inspected = inspected with { Lines = refundLines, RefundAmount = claim, ShippingRefunded = shipping };
            var next = RequestItemReturns.Replace(order, inspected);
            if (claim.Amount > 0)
                next = next with { Refunds = [.. next.Refunds, OrderRefunds.NewRefund(next, inspected.RefundOperationId, claim, $"Return {ret.Id}", actor.Id, now, null, null)] };
            var restocked = lines.Where(l => l.Disposition == ReturnDisposition.Restock).Sum(l => l.ReceivedQuantity ?? 0);
            var writtenOff = lines.Where(l => l.Disposition == ReturnDisposition.WriteOff).Sum(l => l.ReceivedQuantity ?? 0);
            return OrderDecision.Changed(next.Record(OrderChange.ReturnReceived, order.Status, actor.Id, now,
                $"Return {ret.Id} arrived: {lines.Sum(l => l.ReceivedQuantity ?? 0)} item(s). {(claim.Amount > 0 ? $"A refund of {OrderEmails.Format(claim)} follows." : "Nothing is refunded.")}",
                $"{restocked} restocked, {writtenOff} written off.", claim.Amount > 0 ? claim : null, ret.Id));
        }, ct);

        received = await RestockAsync(received, returnId, actor, ct);
        // Exactly this return's refund (a prefix would also match R10's when this is R1).
        var operationId = RequestItemReturns.Find(received, returnId).RefundOperationId;
        return received.Refunds.FirstOrDefault(r => r.OperationId == operationId) is { State: RefundState.Pending or RefundState.Failed }
            ? await refunds.CompleteAsync(normalised, operationId, ct)
            : received;
    }

    private async Task<Order> RestockAsync(Order order, string returnId, Actor actor, CancellationToken ct)
    {
        var ret = RequestItemReturns.Find(order, returnId);
        var pending = ret.Lines.Where(l => l is { Disposition: ReturnDisposition.Restock, Restocked: false, ReceivedQuantity: > 0 }).ToList();
        if (pending.Count == 0) return order;
        foreach (var line in pending)
            await stock.AdjustAsync(line.Sku, new StockAdjustmentInput(line.Warehouse, line.ReceivedQuantity, AdjustmentReason.Returned, $"Return {ret.Id} of order {order.Number}"),
                ReturnRules.RestockAdjustmentId(order.Number, ret.Id, line.LineId), actor, ct);
        return await _writes.ChangeAsync(order.Number, current =>
        {
            var now = RequestItemReturns.Find(current, returnId);
            if (!now.Lines.Any(l => pending.Any(p => p.LineId == l.LineId) && !l.Restocked)) return new OrderDecision(current, null);
            return OrderDecision.Changed(RequestItemReturns.Replace(current,
                now with { Lines = [.. now.Lines.Select(l => pending.Any(p => p.LineId == l.LineId) ? l with { Restocked = true } : l)] }));
        }, CancellationToken.None);
    }

    /// <summary>
    /// The inspection of every line of the return (400, all faults at once): each line named once, by lineId or sku, with
    /// the units that arrived (0 to those in the return) and, when any arrived, "restock" (to a warehouse, default the
    /// main one) or "writeOff". A line of the return left out arrived with no units.
    /// </summary>
    private static List<ReturnLine> Parse(Order order, OrderReturn ret, ReturnReceiptInput input)
    {
        var v = new Validator();
        var seen = new Dictionary<string, ReturnLine>();
        if (v.Required(input.Lines, "lines") && v.Check(input.Lines!.Count is > 0 and <= ReturnRules.MaximumLines, "lines", $"must have 1 to {ReturnRules.MaximumLines} lines."))
        {
            for (var i = 0; i < input.Lines.Count; i++)
            {
                var field = $"lines[{i}]";
                if (input.Lines[i] is not { } l) { v.Add(field, "is required."); continue; }
                var orderLine = ReturnRules.FindLine(order, l.LineId, l.Sku);
                var line = orderLine is null ? null : ret.Lines.FirstOrDefault(x => x.LineId == orderLine.LineId);
                var idField = string.IsNullOrWhiteSpace(l.LineId) ? $"{field}.sku" : $"{field}.lineId";
                if (!v.Check(line is not null, idField, $"is not a line of return {ret.Id}.")) continue;
                if (!v.Check(!seen.ContainsKey(line!.LineId), idField, "is named twice.")) continue;
                if (!v.Check(l.Quantity is { } q && q >= 0 && q <= line.Quantity, $"{field}.quantity", $"must be from 0 to {line.Quantity}, the units in the return.")) continue;
                ReturnDisposition? disposition = null;
                if (l.Quantity > 0)
                {
                    var known = Enum.TryParse<ReturnDisposition>(l.Disposition?.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(l.Disposition!.Trim()[0]);
                    if (!v.Check(known, $"{field}.disposition", "must be restock or writeOff.")) continue;
                    disposition = parsed;
                }
                var warehouse = string.IsNullOrWhiteSpace(l.Warehouse) ? ManageStock.DefaultWarehouse : l.Warehouse.Trim().ToLowerInvariant();
                if (disposition == ReturnDisposition.Restock && !v.Check(ReturnRules.IsWarehouse(warehouse), $"{field}.warehouse", "must be 1 to 32 lower-case letters, digits or hyphens.")) continue;
                seen[line.LineId] = line with
                {
                    ReceivedQuantity = l.Quantity, Disposition = disposition,
                    Warehouse = disposition == ReturnDisposition.Restock ? warehouse : null,
                };
            }
        }
        v.ThrowIfInvalid();
        return [.. ret.Lines.Select(l => seen.TryGetValue(l.LineId, out var inspected) ? inspected : l with { ReceivedQuantity = 0 })];
    }
}
