using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

public sealed class PlaceOrderTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_placed_order_waits_for_payment_with_its_breakdown_address_and_one_history_entry()
    {
        var placement = Placement();

        var order = await _bed.Orders.PlaceAsync(placement, Ct);

        order.Id.ShouldBe(placement.Number);
        order.Number.ShouldBe(placement.Number);
        order.Status.ShouldBe(OrderStatus.PendingPayment);
        order.CustomerId.ShouldBe(CustomerId);
        order.Currency.ShouldBe("EUR");
        order.Pricing.ShouldBeSameAs(placement.Pricing);
        order.ShippingAddress.ShouldBe(Address);
        order.ShippingQuote.ShouldBe(Quote);
        order.PaymentMethod.ShouldBe(PaymentMethod.Card);
        order.Payment.ShouldBeNull();
        order.CreatedAt.ShouldBe(FixedClock.Instant);
        order.History.ShouldBe([new OrderHistoryEntry(1, FixedClock.Instant, OrderChange.Placed, OrderStatus.PendingPayment, CustomerId)]);
        _bed.Stored(order.Number).ShouldBe(order);
        _bed.Messages.ShouldBe([new OrderChanged($"{order.Number}:1", order.Number, 1, OrderChange.Placed, OrderStatus.PendingPayment, FixedClock.Instant)]);
    }

    [Fact]
    public async Task The_order_keeps_only_the_hash_of_the_buyers_access_token()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(), Ct);

        order.AccessTokenHash.ShouldNotContain(AccessToken);
        OrderAccessTokens.Matches(order, AccessToken).ShouldBeTrue();
        OrderAccessTokens.Matches(order, AccessToken + "x").ShouldBeFalse();
        OrderAccessTokens.Matches(order, null).ShouldBeFalse();
    }

    [Fact]
    public async Task A_guest_order_has_no_customer()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(customerId: null), Ct);

        order.CustomerId.ShouldBeNull();
        order.History[0].Actor.ShouldBe("guest");
    }

    [Fact]
    public async Task Placing_the_same_order_again_returns_the_first_and_records_nothing_new()
    {
        var placement = Placement();
        var first = await _bed.Orders.PlaceAsync(placement, Ct);
        _bed.Clock.Advance(TimeSpan.FromSeconds(30));

        var again = await _bed.Orders.PlaceAsync(placement, Ct);

        again.ShouldBe(first);
        _bed.Stored(first.Number).History.Count.ShouldBe(1);
        _bed.Messages.Select(m => m.MessageId).Distinct().ShouldBe([$"{first.Number}:1"]);
    }

    [Fact]
    public async Task Another_order_under_a_number_in_use_is_a_duplicate_so_checkout_draws_a_new_number()
    {
        var first = await _bed.Orders.PlaceAsync(Placement(), Ct);

        var clash = await Should.ThrowAsync<DuplicateResourceException>(() =>
            _bed.Orders.PlaceAsync(Placement(first.Number) with { Email = "someone.else@example.com" }, Ct));

        clash.Field.ShouldBe("number");
        _bed.Stored(first.Number).ShouldBe(first);
    }

    public static TheoryData<string, Func<PlaceOrder, PlaceOrder>> BadPlacements => new()
    {
        { "number", p => p with { Number = "12345" } },
        { "number", p => p with { Number = "ss-7kq4-xm2p" } },
        { "email", p => p with { Email = "" } },
        { "email", p => p with { Email = "not-an-address" } },
        { "email", p => p with { Email = "ada@" } },
        { "email", p => p with { Email = "a da@example.com" } },
        { "customerId", p => p with { CustomerId = new string('c', 201) } },
        { "pricing", p => p with { Pricing = null! } },
        { "pricing.lines", p => p with { Pricing = Breakdown() with { Lines = [] } } },
        { "pricing.lines[0]", p => p with { Pricing = Breakdown(problem: "no longer sold") } },
        { "pricing.currency", p => p with { Pricing = Breakdown() with { Currency = "XXX" } } },
        { "shippingAddress", p => p with { ShippingAddress = null! } },
        { "shippingAddress.country", p => p with { ShippingAddress = Address with { Country = " " } } },
        { "accessToken", p => p with { AccessToken = "" } },
        { "accessToken", p => p with { AccessToken = "short" } },
    };

    [Theory]
    [MemberData(nameof(BadPlacements))]
    public async Task A_placement_that_breaks_a_rule_names_the_field_and_stores_nothing(string field, Func<PlaceOrder, PlaceOrder> spoil)
    {
        var placement = spoil(Placement());

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => _bed.Orders.PlaceAsync(placement, Ct));

        failure.ShouldReport(field);
        _bed.Store.Saves.ShouldBe(0);
        _bed.Messages.ShouldBeEmpty();
    }
}
