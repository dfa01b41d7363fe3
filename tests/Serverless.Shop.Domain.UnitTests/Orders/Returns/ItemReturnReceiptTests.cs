using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Orders;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders.Returns;

/// <summary>Receiving a return: inspection, restock once, refund once (<see cref="ReceiveItemReturns"/>).</summary>
public sealed class ItemReturnReceiptTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    // The example order: line_1 is 2 blue mugs for 21.60, line_2 one T-shirt for 20.00, shipping 4.90; 46.50 captured.
    private async Task<(string Number, string ReturnId)> ApprovedReturnAsync(params (string LineId, int Quantity)[] lines)
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var input = new ReturnRequestInput("wrongSize", null, [.. lines.Select(l => new ReturnLineInput(l.LineId, null, l.Quantity, null))]);
        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, input, Customer, "op_" + Guid.NewGuid().ToString("N"), Ct);
        ret.Status.ShouldBe(ReturnStatus.Approved);
        return (order.Number, ret.Id);
    }

    private static ReturnReceiptInput Receipt(params (string LineId, int Quantity, string Disposition, string? Warehouse)[] lines) =>
        new([.. lines.Select(l => new ReturnReceiptLineInput(l.LineId, null, l.Quantity, l.Disposition, l.Warehouse))]);

    [Fact]
    public async Task A_restocked_unit_goes_back_to_the_chosen_warehouse_with_an_audited_adjustment_and_its_share_is_refunded()
    {
        var (number, id) = await ApprovedReturnAsync(("line_1", 1));

        var order = await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_1", 1, "restock", "east")), Support, Ct);

        var stock = _bed.Stock.Current("MUG-BLUE").ShouldNotBeNull().Value;
        stock.OnHandIn("east").ShouldBe(1);
        var adjustment = stock.RecentAdjustments.ShouldHaveSingleItem();
        (adjustment.Id, adjustment.Reason, adjustment.Actor).ShouldBe(($"{number}:R1:line_1", AdjustmentReason.Returned, Support.Id));
        var ret = order.Returns.Single();
        ret.Status.ShouldBe(ReturnStatus.Received);
        ret.RefundAmount.ShouldBe(Eur(10.80m));
        ret.Lines.Single().Restocked.ShouldBeTrue();
        _bed.Gateway.Calls.ShouldBe([("pi_1", Eur(10.80m), $"{number}-refund-1")]);
        order.Status.ShouldBe(OrderStatus.Delivered);
        order.Books.Refunded.ShouldBe(10.80m);
        order.History.TakeLast(2).Select(h => h.Change).ShouldBe([OrderChange.ReturnReceived, OrderChange.PartiallyRefunded]);
    }

    [Fact]
    public async Task Receiving_the_same_return_again_restocks_and_refunds_nothing_more()
    {
        var (number, id) = await ApprovedReturnAsync(("line_1", 2));
        await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_1", 2, "restock", null)), Support, Ct);

        var again = await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_1", 1, "writeOff", null)), Admin, Ct);

        _bed.Stock.Current("MUG-BLUE")!.Value.OnHandIn(ManageStock.DefaultWarehouse).ShouldBe(2);
        _bed.Gateway.Calls.Count.ShouldBe(1);
        again.Returns.Single().Lines.Single().Disposition.ShouldBe(ReturnDisposition.Restock);
        again.History.Count(h => h.Change == OrderChange.ReturnReceived).ShouldBe(1);
    }

    [Fact]
    public async Task Two_receipts_of_one_return_at_once_refund_and_restock_once()
    {
        var (number, id) = await ApprovedReturnAsync(("line_2", 1));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_2", 1, "restock", null)), Support, Ct))));

        _bed.Gateway.MoneyRefunded.ShouldBe(20.00m);
        _bed.Stored(number).Books.Refunded.ShouldBe(20.00m);
        _bed.Stock.Current("TEE-M")!.Value.TotalOnHand.ShouldBe(1);
    }

    [Fact]
    public async Task A_written_off_unit_is_refunded_but_not_restocked()
    {
        var (number, id) = await ApprovedReturnAsync(("line_2", 1));

        var order = await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_2", 1, "writeOff", null)), Support, Ct);

        _bed.Stock.Current("TEE-M").ShouldBeNull();
        order.Returns.Single().RefundAmount.ShouldBe(Eur(20.00m));
    }

    [Fact]
    public async Task Units_that_did_not_arrive_are_not_refunded_and_may_be_returned_again()
    {
        var (number, id) = await ApprovedReturnAsync(("line_1", 2));

        var order = await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_1", 1, "restock", null)), Support, Ct);

        order.Returns.Single().RefundAmount.ShouldBe(Eur(10.80m));
        ReturnRules.ReturnedUnits(order, "line_1").ShouldBe(1);
    }

    [Fact]
    public async Task The_refunds_of_one_line_returned_in_two_parts_add_up_to_what_it_cost()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        // 3 units for 10.00 cost 3.33, 3.33 and what is left, 3.34.
        var odd = order.Pricing with { Lines = [order.Pricing.Lines[0] with { Quantity = 3, Total = Eur(10.00m) }, order.Pricing.Lines[1]] };
        var stored = _bed.Store.Current(order.Number)!;
        await _bed.Store.SaveAsync(stored.Value with { Pricing = odd }, stored.Version, Ct);
        _bed.ReturnSettings = _bed.ReturnSettings with { RefundShipping = ShippingRefundPolicy.Never };
        var refunds = new List<Money?>();
        foreach (var units in new[] { 1, 1, 1 })
        {
            var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, new ReturnRequestInput("changedMind", null, [new ReturnLineInput("line_1", null, units, null)]), Customer, "op_" + refunds.Count, Ct);
            refunds.Add((await _bed.Receipts.ReceiveAsync(order.Number, ret.Id, Receipt(("line_1", units, "restock", null)), Support, Ct)).Returns.Single(r => r.Id == ret.Id).RefundAmount);
        }

        refunds.ShouldBe([Eur(3.33m), Eur(3.33m), Eur(3.34m)]);
    }

    [Theory]
    [InlineData(ShippingRefundPolicy.WhenAllReturned, 46.50, OrderStatus.Refunded)]
    [InlineData(ShippingRefundPolicy.Never, 41.60, OrderStatus.Delivered)]
    public async Task Shipping_is_refunded_with_the_last_units_when_the_policy_says_so(ShippingRefundPolicy policy, double refunded, OrderStatus status)
    {
        _bed.ReturnSettings = _bed.ReturnSettings with { RefundShipping = policy };
        var (number, id) = await ApprovedReturnAsync(("line_1", 2), ("line_2", 1));

        var order = await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_1", 2, "restock", null), ("line_2", 1, "writeOff", null)), Support, Ct);

        order.Returns.Single().ShippingRefunded.ShouldBe(policy == ShippingRefundPolicy.WhenAllReturned);
        order.Books.Refunded.ShouldBe((decimal)refunded);
        order.Status.ShouldBe(status);
    }

    [Fact]
    public async Task A_bad_inspection_is_refused_field_by_field_and_nothing_is_written_or_restocked()
    {
        var (number, id) = await ApprovedReturnAsync(("line_1", 1));
        var saves = _bed.Store.Saves;
        var input = new ReturnReceiptInput([
            new ReturnReceiptLineInput("line_1", null, 2, "restock", null),
            new ReturnReceiptLineInput("line_2", null, 1, "restock", null),
            new ReturnReceiptLineInput(null, "MUG-BLUE", 1, "recycle", null),
        ]);

        var invalid = await Should.ThrowAsync<ValidationFailedException>(() => _bed.Receipts.ReceiveAsync(number, id, input, Support, Ct));
        var warehouse = await Should.ThrowAsync<ValidationFailedException>(() => _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_1", 1, "restock", "East Hall")), Support, Ct));

        invalid.Errors.Keys.ShouldBe(["lines[0].quantity", "lines[1].lineId", "lines[2].disposition"], ignoreOrder: true);
        warehouse.Errors.Keys.ShouldBe(["lines[0].warehouse"]);
        _bed.Store.Saves.ShouldBe(saves);
        _bed.Stock.Saves.ShouldBe(0);
        _bed.Gateway.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_return_waiting_for_approval_cannot_be_received()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, new ReturnRequestInput("damaged", null, [new ReturnLineInput("line_2", null, 1, null)]), Customer, "op_1", Ct);

        var problem = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Receipts.ReceiveAsync(order.Number, ret.Id, Receipt(("line_2", 1, "restock", null)), Support, Ct));

        problem.Field.ShouldBe("status");
        _bed.Gateway.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refund_the_gateway_failed_is_made_once_when_the_receipt_is_sent_again()
    {
        var (number, id) = await ApprovedReturnAsync(("line_2", 1));
        _bed.Gateway.FailNext = new TimeoutException("provider timed out");

        await Should.ThrowAsync<TimeoutException>(() => _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_2", 1, "restock", null)), Support, Ct));
        var failed = _bed.Stored(number);
        failed.Returns.Single().Status.ShouldBe(ReturnStatus.Received);
        failed.Refunds.Single().State.ShouldBe(RefundState.Failed);
        OrderPaymentRules.NeedsAttention(failed).ShouldBeTrue();

        var order = await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_2", 1, "restock", null)), Support, Ct);

        order.Refunds.Single().State.ShouldBe(RefundState.Completed);
        _bed.Gateway.Calls.Select(c => c.Key).Distinct().ShouldHaveSingleItem();
        _bed.Gateway.MoneyRefunded.ShouldBe(20.00m);
        _bed.Stock.Current("TEE-M")!.Value.TotalOnHand.ShouldBe(1);
    }

    [Fact]
    public async Task The_points_earned_on_returned_items_are_reversed_by_the_points_ledger_when_the_refund_is_made()
    {
        var settings = new Serverless.Shop.Domain.Loyalty.LoyaltySettings(1m, 365, 30);
        var (number, id) = await ApprovedReturnAsync(("line_2", 1));
        var earned = Serverless.Shop.Domain.Loyalty.PointsRules.Apply(Serverless.Shop.Domain.Loyalty.PointsAccount.Empty(CustomerId), _bed.Stored(number), settings, _bed.Clock.Now);

        await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_2", 1, "restock", null)), Support, Ct);
        var after = Serverless.Shop.Domain.Loyalty.PointsRules.Apply(earned, _bed.Stored(number), settings, _bed.Clock.Now);

        // 46 points on 46.50 paid; the T-shirt's 20.00 is 43% of it, so 20 of them go (rounded up), 26 stay for what was kept.
        earned.Orders.Single().Earned.ShouldBe(46);
        after.Orders.Single().Reversed.ShouldBe(20);
        after.Movements[^1].Kind.ShouldBe(Serverless.Shop.Domain.Loyalty.PointsMovementKind.Reversed);
    }

    [Fact]
    public async Task What_staff_refunded_by_hand_before_is_not_refunded_again()
    {
        var (number, id) = await ApprovedReturnAsync(("line_1", 2), ("line_2", 1));
        await _bed.Orders.RefundAsync(number, Eur(40.00m), "Goodwill", Admin, Ct);

        var order = await _bed.Receipts.ReceiveAsync(number, id, Receipt(("line_1", 2, "restock", null), ("line_2", 1, "restock", null)), Support, Ct);

        order.Returns.Single().RefundAmount.ShouldBe(Eur(6.50m));
        order.Books.Refunded.ShouldBe(46.50m);
        order.Status.ShouldBe(OrderStatus.Refunded);
    }
}
