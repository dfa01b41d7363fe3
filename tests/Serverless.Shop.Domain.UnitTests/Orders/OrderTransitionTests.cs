using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Shipping;
using static Serverless.Shop.Domain.Orders.OrderStatus;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>
/// Every command from every status: where it takes the order, or that it is refused with a 409 that names the current
/// status and changes nothing. The expected table is written out here a second time, on purpose.
/// </summary>
public sealed class OrderTransitionTests
{
    public enum Command { MarkPaid, AttachShipment, InTransit, Delivered, ReturnedToSender, Cancel, RequestReturn, RejectReturn, MarkReturned, RefundEverything }

    private static readonly OrderStatus[] Statuses = Enum.GetValues<OrderStatus>();

    // From -> command -> resulting status. Missing: refused. Commands that find their change already applied (cancelling
    // a cancelled order) leave the status as it is; they are listed with that status.
    private static readonly Dictionary<(OrderStatus, Command), OrderStatus> Expected = new()
    {
        [(PendingPayment, Command.MarkPaid)] = Paid,
        [(PendingPayment, Command.Cancel)] = Cancelled,

        [(Paid, Command.AttachShipment)] = Processing,
        [(Paid, Command.Cancel)] = Cancelled,
        [(Paid, Command.RefundEverything)] = Refunded,

        [(Processing, Command.InTransit)] = Shipped,
        [(Processing, Command.Delivered)] = OrderStatus.Delivered,
        [(Processing, Command.ReturnedToSender)] = Returned,
        [(Processing, Command.Cancel)] = Cancelled,
        [(Processing, Command.MarkReturned)] = Returned,
        [(Processing, Command.RefundEverything)] = Processing,

        [(Shipped, Command.InTransit)] = Shipped,
        [(Shipped, Command.Delivered)] = OrderStatus.Delivered,
        [(Shipped, Command.ReturnedToSender)] = Returned,
        [(Shipped, Command.MarkReturned)] = Returned,
        [(Shipped, Command.RefundEverything)] = Shipped,

        [(OrderStatus.Delivered, Command.InTransit)] = OrderStatus.Delivered,
        [(OrderStatus.Delivered, Command.Delivered)] = OrderStatus.Delivered,
        [(OrderStatus.Delivered, Command.ReturnedToSender)] = OrderStatus.Delivered,
        [(OrderStatus.Delivered, Command.RequestReturn)] = ReturnRequested,
        [(OrderStatus.Delivered, Command.RefundEverything)] = Refunded,

        [(ReturnRequested, Command.InTransit)] = ReturnRequested,
        [(ReturnRequested, Command.Delivered)] = ReturnRequested,
        [(ReturnRequested, Command.ReturnedToSender)] = ReturnRequested,
        [(ReturnRequested, Command.RequestReturn)] = ReturnRequested,
        [(ReturnRequested, Command.RejectReturn)] = OrderStatus.Delivered,
        [(ReturnRequested, Command.MarkReturned)] = Returned,
        [(ReturnRequested, Command.RefundEverything)] = Refunded,

        [(Returned, Command.InTransit)] = Returned,
        [(Returned, Command.Delivered)] = Returned,
        [(Returned, Command.ReturnedToSender)] = Returned,
        [(Returned, Command.MarkReturned)] = Returned,
        [(Returned, Command.RefundEverything)] = Refunded,

        [(Cancelled, Command.Cancel)] = Cancelled,
    };

    public static TheoryData<OrderStatus, Command> EveryStatusAndCommand()
    {
        var data = new TheoryData<OrderStatus, Command>();
        foreach (var status in Statuses)
            foreach (var command in Enum.GetValues<Command>())
                data.Add(status, command);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndCommand))]
    public async Task Each_command_moves_an_order_only_as_the_table_allows(OrderStatus from, Command command)
    {
        var bed = new OrderTestBed();
        var order = await bed.InStatusAsync(from);
        order.Status.ShouldBe(from);
        var before = bed.Store.Current(order.Number)!;

        var run = () => Run(bed, order, command);

        if (Expected.TryGetValue((from, command), out var to))
        {
            (await run()).Status.ShouldBe(to);
            bed.Stored(order.Number).Status.ShouldBe(to);
        }
        else
        {
            var refused = await run.ShouldThrowAsync<BusinessRuleViolationException>();
            refused.Message.ShouldContain(OrderTransitions.Describe(from), Case.Insensitive);
            bed.Store.Current(order.Number).ShouldBe(before);
        }
    }

    [Fact]
    public void The_table_has_a_row_for_every_status_and_no_status_moves_to_itself()
    {
        foreach (var status in Statuses)
        {
            OrderTransitions.Allowed.ShouldContainKey(status);
            OrderTransitions.Allowed[status].ShouldNotContain(status);
        }
    }

    [Theory]
    [InlineData(Cancelled)]
    [InlineData(Refunded)]
    public void Cancelled_and_refunded_orders_are_final(OrderStatus status) =>
        OrderTransitions.Allowed[status].ShouldBeEmpty();

    [Fact]
    public void Nothing_ships_before_it_is_paid()
    {
        OrderTransitions.Allowed[PendingPayment].ShouldBe([Paid, Cancelled]);
        Statuses.Where(s => OrderTransitions.IsAllowed(s, Processing)).ShouldBe([Paid]);
    }

    [Fact]
    public void A_parcel_on_its_way_cannot_be_cancelled()
    {
        OrderTransitions.IsAllowed(Shipped, Cancelled).ShouldBeFalse();
        OrderTransitions.IsAllowed(OrderStatus.Delivered, Cancelled).ShouldBeFalse();
    }

    [Fact]
    public async Task A_refused_move_is_a_conflict_that_names_the_current_status()
    {
        var bed = new OrderTestBed();
        var order = await bed.InStatusAsync(Shipped);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => bed.Orders.CancelAsync(order.Number, "Too late", Support, CancellationToken.None));

        refused.Message.ShouldBe($"Order {order.Number} is shipped; it cannot be cancelled.");
        refused.Field.ShouldBe("status");
    }

    private static Task<Order> Run(OrderTestBed bed, Order order, Command command)
    {
        var n = order.Number;
        var ct = CancellationToken.None;
        bed.Clock.Advance(TimeSpan.FromMinutes(5));
        return command switch
        {
            Command.MarkPaid => bed.Orders.MarkPaidAsync(n, Captured(paymentId: "pi_second"), CheckoutActor, ct),
            Command.AttachShipment => bed.Orders.AttachShipmentAsync(n, Shipment("shp_second"), ct),
            Command.InTransit => bed.Orders.ApplyTrackingAsync(Tracking(bed, order, TrackingStatus.InTransit), ct),
            Command.Delivered => bed.Orders.ApplyTrackingAsync(Tracking(bed, order, TrackingStatus.Delivered), ct),
            Command.ReturnedToSender => bed.Orders.ApplyTrackingAsync(Tracking(bed, order, TrackingStatus.ReturnedToSender), ct),
            Command.Cancel => bed.Orders.CancelAsync(n, "Customer asked", Support, ct),
            Command.RequestReturn => bed.Returns.RequestReturnAsync(n, "Wrong size", Customer, ct),
            Command.RejectReturn => bed.Returns.RejectReturnAsync(n, "Worn", Support, ct),
            Command.MarkReturned => bed.Returns.MarkReturnedAsync(n, Support, ct),
            Command.RefundEverything => bed.Orders.RefundAsync(n, order.RefundableAmount.Amount > 0 ? order.RefundableAmount : Eur(46.50m), "Goodwill", Admin, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
    }

    // Tracking needs a shipment: orders without one get a 409 for that, which names their status too.
    private static TrackingEvent Tracking(OrderTestBed bed, Order order, TrackingStatus status) => bed.Tracking(order.Number, status);
}
