using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>A refund a person must make (a bank transfer) is an open task on the order until staff confirm it; until then the order does not claim "refunded".</summary>
public sealed class RefundTaskTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OrderTestBed _bed = new();
    private readonly FakePaymentGateway _bank = new() { NeedsPerson = true };

    private OrderRefunds Refunds => new(_bed.Store, _bed.Queue, [_bank], _bed.Clock);
    private ManageOrders Orders => new(_bed.Store, _bed.Queue, [_bank], [_bed.Carrier], _bed.Settings, _bed.Clock);

    private async Task<Order> PaidByTransferAsync()
    {
        var order = await Orders.PlaceAsync(Placement(method: PaymentMethod.BankTransfer), Ct);
        return await Orders.MarkPaidAsync(order.Number, AwaitingTransfer() with { Outcome = PaymentOutcome.Captured, CapturedAmount = Eur(46.50m) }, CheckoutActor, Ct);
    }

    [Fact]
    public async Task A_bank_refund_stays_an_open_task_and_the_order_is_not_refunded_until_staff_confirm_it()
    {
        var order = await PaidByTransferAsync();

        var asked = await Orders.RefundAsync(order.Number, Eur(46.50m), "Customer cancelled", Admin, "op_1", Ct);

        asked.Status.ShouldBe(OrderStatus.Paid);
        var task = asked.Refunds.ShouldHaveSingleItem();
        task.State.ShouldBe(RefundState.AwaitingStaff);
        task.Instruction.ShouldBe($"re_{order.Number}-refund-1");
        asked.Ledger!.Refunded.ShouldBe(0m);
        asked.RefundableAmount.ShouldBe(Eur(0m), "the task holds the money: no second refund can claim it");
        (await Refunds.ListOpenTasksAsync(new PageRequest(10, null), Ct)).Items.Select(o => o.Number).ShouldBe([order.Number]);

        var confirmed = await Refunds.ConfirmManualRefundAsync(order.Number, task.Sequence, " NL-BANK-2026-0042 ", Support, Ct);

        confirmed.Status.ShouldBe(OrderStatus.Refunded);
        confirmed.Refunds.Single().ShouldBe(task with { State = RefundState.Completed, RefundId = "NL-BANK-2026-0042", CompletedAt = _bed.Clock.Now });
        confirmed.Ledger!.Refunded.ShouldBe(46.50m);
        confirmed.History[^1].Actor.ShouldBe(Support.Id);
        confirmed.History[^1].Change.ShouldBe(OrderChange.Refunded);
        (await Refunds.ListOpenTasksAsync(new PageRequest(10, null), Ct)).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Confirming_a_task_again_with_its_reference_changes_nothing()
    {
        var order = await PaidByTransferAsync();
        await Orders.RefundAsync(order.Number, Eur(10m), "Scratched", Admin, "op_1", Ct);
        var first = await Refunds.ConfirmManualRefundAsync(order.Number, 1, "REF-1", Support, Ct);
        var saves = _bed.Store.Saves;

        var again = await Refunds.ConfirmManualRefundAsync(order.Number, 1, "REF-1", Support, Ct);

        again.ShouldBe(first);
        _bed.Store.Saves.ShouldBe(saves);
        again.Status.ShouldBe(OrderStatus.Paid);
        again.Ledger!.Refunded.ShouldBe(10m);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task Confirming_without_the_banks_reference_is_refused_as_input(string? reference)
    {
        var order = await PaidByTransferAsync();
        await Orders.RefundAsync(order.Number, Eur(10m), "Scratched", Admin, "op_1", Ct);
        var before = _bed.Store.Current(order.Number);

        var refused = await Should.ThrowAsync<ValidationFailedException>(() => Refunds.ConfirmManualRefundAsync(order.Number, 1, reference, Support, Ct));

        refused.ShouldReport("reference");
        _bed.Store.Current(order.Number).ShouldBe(before);
    }

    [Fact]
    public async Task Confirming_a_refund_that_is_not_waiting_for_staff_or_does_not_exist_is_refused()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.RefundAsync(order.Number, Eur(10m), "Scratched", Admin, "op_1", Ct);

        (await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Refunds.ConfirmManualRefundAsync(order.Number, 1, "REF", Support, Ct))).Field.ShouldBe("status");
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Refunds.ConfirmManualRefundAsync(order.Number, 7, "REF", Support, Ct));
    }

    [Fact]
    public async Task Cancelling_an_order_paid_by_transfer_leaves_a_task_and_the_order_cancelled_with_its_money_accounted_for()
    {
        var order = await PaidByTransferAsync();

        var cancelled = await Orders.CancelAsync(order.Number, "Out of stock", Support, Ct);

        cancelled.Status.ShouldBe(OrderStatus.Cancelled);
        cancelled.Refunds.ShouldHaveSingleItem().State.ShouldBe(RefundState.AwaitingStaff);
        OrderPaymentRules.HasOpenRefundTask(cancelled).ShouldBeTrue();
        OrderPaymentRules.UnclaimedCapture(cancelled).ShouldBe(0m);
        OrderPaymentRules.NeedsAttention(cancelled).ShouldBeFalse("a person has the task; reconciliation has nothing to add");
    }
}
