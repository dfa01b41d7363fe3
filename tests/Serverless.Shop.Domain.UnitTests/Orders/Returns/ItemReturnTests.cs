using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders.Returns;

/// <summary>Opening, approving and rejecting returns of some items (<see cref="RequestItemReturns"/>).</summary>
public sealed class ItemReturnTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static ReturnRequestInput OneMug(string reason = "wrongSize", int quantity = 1, string? lineReason = null) =>
        new(reason, null, [new ReturnLineInput("line_1", null, quantity, lineReason)]);

    [Fact]
    public async Task A_customers_return_within_the_auto_approval_days_is_approved_and_gets_a_return_label_from_the_orders_carrier()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        _bed.Clock.Advance(TimeSpan.FromDays(3));

        var (after, ret) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_1", Ct);

        after.Status.ShouldBe(OrderStatus.Delivered);
        ret.Id.ShouldBe("R1");
        ret.Status.ShouldBe(ReturnStatus.Approved);
        ret.DecidedBy.ShouldBe(ReturnRules.AutomaticApprover);
        ret.Lines.ShouldBe([new ReturnLine("line_1", "MUG-BLUE", 1, null)]);
        ret.Label.ShouldNotBeNull().Carrier.ShouldBe(FakeCarrier.CarrierName);
        var request = _bed.Carrier.Created.ShouldHaveSingleItem();
        request.IsReturn.ShouldBeTrue();
        request.Address.ShouldBe(Address);
        request.IdempotencyKey.ShouldBe($"{order.Number}-return-R1-label");
        request.Items.ShouldBe([new Serverless.Shop.Domain.Shipping.ParcelItem("MUG-BLUE", 1)]);
        after.History.TakeLast(3).Select(h => (h.Change, h.Reference)).ShouldBe(
            [(OrderChange.ReturnRequested, "R1"), (OrderChange.ReturnApproved, "R1"), (OrderChange.ReturnLabelCreated, "R1")]);
    }

    [Theory]
    [InlineData("damaged", null)]
    [InlineData("wrongSize", "defective")]
    public async Task A_return_for_a_reason_staff_review_waits_for_them_and_buys_no_label(string reason, string? lineReason)
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);

        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug(reason, lineReason: lineReason), Customer, "op_1", Ct);

        ret.Status.ShouldBe(ReturnStatus.Requested);
        ret.Label.ShouldBeNull();
        _bed.Carrier.Created.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_return_asked_for_after_the_auto_approval_days_but_within_the_window_waits_for_staff()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        _bed.Clock.Advance(TimeSpan.FromDays(ReturnSettings.DefaultAutoApproveWithinDays + 1));

        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_1", Ct);

        ret.Status.ShouldBe(ReturnStatus.Requested);
    }

    [Fact]
    public async Task A_customer_cannot_return_items_after_the_window_but_support_can_and_it_is_approved_at_once()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        _bed.Clock.Advance(TimeSpan.FromDays(31));

        var late = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_1", Ct));
        late.Field.ShouldBe("status");
        late.Message.ShouldContain("until");
        _bed.Stored(order.Number).Returns.ShouldBeEmpty();

        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Support, "op_2", Ct);
        ret.Status.ShouldBe(ReturnStatus.Approved);
        ret.DecidedBy.ShouldBe(Support.Id);
        ret.RequestedBy.ShouldBe(Support.Id);
    }

    [Fact]
    public async Task No_line_returns_more_units_than_were_bought_less_those_already_in_returns()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);

        var tooMany = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.ItemReturns.OpenAsync(order.Number, OneMug(quantity: 3), Customer, "op_1", Ct));
        tooMany.Field.ShouldBe("lines[0].quantity");

        await _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_2", Ct);
        var input = new ReturnRequestInput("wrongSize", null, [new ReturnLineInput(null, "TEE-M", 1, null), new ReturnLineInput("line_1", null, 2, null)]);
        var second = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.ItemReturns.OpenAsync(order.Number, input, Customer, "op_3", Ct));
        second.Field.ShouldBe("lines[1].quantity");
        second.Message.ShouldContain("at most 1");
        _bed.Stored(order.Number).Returns.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Units_of_a_rejected_return_can_be_asked_for_again()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var (_, first) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug("damaged", 2), Customer, "op_1", Ct);
        await _bed.ItemReturns.RejectAsync(order.Number, first.Id, "No damage visible on the photos", Support, Ct);

        var (_, second) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug("damaged", 2), Customer, "op_2", Ct);

        second.Id.ShouldBe("R2");
        second.Lines.Single().Quantity.ShouldBe(2);
    }

    [Fact]
    public async Task Two_returns_at_once_for_the_last_unit_open_one_return()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var tee = new ReturnRequestInput("changedMind", null, [new ReturnLineInput(null, "TEE-M", 1, null)]);
        // The other request writes between this one's read and its write: this one reads again and finds the unit taken.
        _bed.Store.BeforeNextSave = () => _bed.ItemReturns.OpenAsync(order.Number, tee, Customer, "op_other", Ct).GetAwaiter().GetResult();

        var lost = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.ItemReturns.OpenAsync(order.Number, tee, Customer, "op_1", Ct));

        lost.Field.ShouldBe("lines[0].quantity");
        _bed.Stored(order.Number).Returns.ShouldHaveSingleItem().OperationId.ShouldBe("op_other");
    }

    [Fact]
    public async Task The_same_request_again_opens_no_second_return_and_buys_no_second_label()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        await _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_1", Ct);
        var saves = _bed.Store.Saves;

        var (again, ret) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_1", Ct);

        again.Returns.ShouldHaveSingleItem();
        ret.Id.ShouldBe("R1");
        _bed.Store.Saves.ShouldBe(saves);
        _bed.Carrier.Created.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Bad_input_is_refused_field_by_field_and_nothing_is_written()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var saves = _bed.Store.Saves;
        var input = new ReturnRequestInput("bored", new string('x', 501),
            [new ReturnLineInput("line_9", null, 1, null), new ReturnLineInput("line_2", null, 0, "meh"), null, new ReturnLineInput(null, null, 1, null)]);

        var invalid = await Should.ThrowAsync<ValidationFailedException>(() => _bed.ItemReturns.OpenAsync(order.Number, input, Customer, "op_1", Ct));

        invalid.Errors.Keys.ShouldBe(["reason", "comment", "lines[0].lineId", "lines[1].quantity", "lines[1].reason", "lines[2]", "lines[3].sku"], ignoreOrder: true);
        _bed.Store.Saves.ShouldBe(saves);
    }

    [Fact]
    public async Task Items_of_an_order_not_delivered_cannot_be_returned()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Shipped);

        var problem = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_1", Ct));

        problem.Field.ShouldBe("status");
        problem.Message.ShouldContain("shipped");
    }

    [Fact]
    public async Task Another_customers_order_is_not_found()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.ItemReturns.OpenAsync(order.Number, OneMug(), OtherCustomer, "op_1", Ct));
    }

    [Fact]
    public async Task Staff_approve_a_requested_return_once_and_the_label_is_bought_once()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug("damaged"), Customer, "op_1", Ct);

        var approved = await _bed.ItemReturns.ApproveAsync(order.Number, ret.Id, "Photos show a chipped handle", Support, Ct);
        var again = await _bed.ItemReturns.ApproveAsync(order.Number, "r1", null, Support, Ct);

        approved.Returns.Single().Status.ShouldBe(ReturnStatus.Approved);
        approved.Returns.Single().Decision.ShouldBe("Photos show a chipped handle");
        again.Returns.Single().Label.ShouldNotBeNull();
        _bed.Carrier.Created.Count.ShouldBe(1);
        again.History.Count(h => h.Change == OrderChange.ReturnApproved).ShouldBe(1);
    }

    [Fact]
    public async Task A_label_the_carrier_failed_to_give_is_bought_when_the_return_is_approved_again_with_the_same_key()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        _bed.Carrier.FailNextShipment = new HttpRequestException("carrier down");

        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_1", Ct);
        ret.Status.ShouldBe(ReturnStatus.Approved);
        ret.Label.ShouldBeNull();
        ret.LabelFailure.ShouldNotBeNull().ShouldContain("down");

        var retried = await _bed.ItemReturns.ApproveAsync(order.Number, ret.Id, null, Support, Ct);

        retried.Returns.Single().Label.ShouldNotBeNull();
        retried.Returns.Single().LabelFailure.ShouldBeNull();
        _bed.Carrier.Created.Select(c => c.IdempotencyKey).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Staff_reject_a_requested_return_with_a_reason_and_cannot_approve_it_afterwards()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, OneMug("damaged"), Customer, "op_1", Ct);

        var rejected = await _bed.ItemReturns.RejectAsync(order.Number, ret.Id, "Worn", Support, Ct);

        rejected.Returns.Single().Status.ShouldBe(ReturnStatus.Rejected);
        rejected.History[^1].ShouldBe(new OrderHistoryEntry(rejected.History[^1].Sequence, _bed.Clock.Now, OrderChange.ReturnRejected, OrderStatus.Delivered, Support.Id, "Worn", Reference: "R1"));
        (await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.ItemReturns.ApproveAsync(order.Number, ret.Id, null, Support, Ct))).Field.ShouldBe("status");
        await Should.ThrowAsync<ValidationFailedException>(() => _bed.ItemReturns.RejectAsync(order.Number, ret.Id, " ", Support, Ct));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.ItemReturns.RejectAsync(order.Number, "R7", "Worn", Support, Ct));
    }

    [Fact]
    public async Task A_whole_order_return_is_refused_while_some_items_are_in_a_return()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        await _bed.ItemReturns.OpenAsync(order.Number, OneMug(), Customer, "op_1", Ct);

        var problem = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Returns.RequestReturnAsync(order.Number, "Too small", Customer, Ct));

        problem.Field.ShouldBe("status");
        _bed.Stored(order.Number).Status.ShouldBe(OrderStatus.Delivered);
    }
}
