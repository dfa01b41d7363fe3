using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>Who sees which order, and how much of it; staff searches; the first-order profile for pricing.</summary>
public sealed class OrderReadingTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_customer_sees_their_order_without_staff_notes_or_who_did_what()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        await _bed.Orders.RefundAsync(order.Number, Eur(5m), "Internal: damage claim 4711", Admin, Ct);

        var view = (await _bed.Queries.GetForCustomerAsync(order.Number, Customer, Ct)).Value;

        view.Number.ShouldBe(order.Number);
        view.Status.ShouldBe(OrderStatus.Delivered);
        view.Pricing.Total.ShouldBe(Eur(46.50m));
        view.Tracking!.TrackingUrl.ShouldBe("https://track.example/TRACK123");
        view.Tracking.Status.ShouldBe(Domain.Shipping.TrackingStatus.Delivered);
        view.Payment!.RefundedAmount.ShouldBe(Eur(5m));
        view.History.Select(h => h.Change).ShouldBe(_bed.Stored(order.Number).History.Select(h => h.Change));
        System.Text.Json.JsonSerializer.Serialize(view).ShouldNotContain("4711");
        System.Text.Json.JsonSerializer.Serialize(view).ShouldNotContain(Admin.Id);
        view.ReturnableUntil.ShouldBe(_bed.Stored(order.Number).DeliveredAt!.Value.AddDays(30));
    }

    [Fact]
    public async Task Someone_elses_order_does_not_exist_for_a_customer()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Queries.GetForCustomerAsync(order.Number, OtherCustomer, Ct));
    }

    [Fact]
    public async Task A_guest_order_does_not_belong_to_any_signed_in_customer()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid, customerId: null);

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Queries.GetForCustomerAsync(order.Number, Actor(""), Ct));
    }

    [Fact]
    public async Task The_access_token_opens_the_order_and_anything_else_is_not_found()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid, customerId: null);

        (await _bed.Queries.GetWithTokenAsync(order.Number, AccessToken, Ct)).Value.Status.ShouldBe(OrderStatus.Paid);
        (await _bed.Queries.GetWithTokenAsync(order.Number.ToLowerInvariant(), AccessToken, Ct)).Value.Number.ShouldBe(order.Number);
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Queries.GetWithTokenAsync(order.Number, AccessToken[..^1], Ct));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Queries.GetWithTokenAsync(order.Number, "", Ct));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Queries.GetWithTokenAsync(order.Number, null, Ct));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Queries.GetWithTokenAsync(OrderNumbers.New(), AccessToken, Ct));
    }

    [Fact]
    public async Task Payment_details_are_shown_only_while_the_customer_needs_them()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(method: PaymentMethod.BankTransfer), Ct);
        var waiting = await _bed.Orders.RecordPaymentAttemptAsync(order.Number, AwaitingTransfer(), Ct);
        OrderView.Of(waiting, _bed.Settings).Payment!.Transfer.ShouldNotBeNull();

        var paid = await _bed.Orders.MarkPaidAsync(order.Number, Captured() with { Transfer = waiting.Payment!.Transfer }, CheckoutActor, Ct);

        OrderView.Of(paid, _bed.Settings).Payment!.Transfer.ShouldBeNull();
    }

    [Fact]
    public async Task A_customers_orders_are_listed_newest_first_and_only_theirs()
    {
        var first = await _bed.InStatusAsync(OrderStatus.Paid);
        _bed.Clock.Advance(TimeSpan.FromDays(1));
        var second = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        await _bed.InStatusAsync(OrderStatus.Paid, customerId: "cust_bob");

        var page = await _bed.Queries.ListForCustomerAsync(Customer, null, null, Ct);

        page.Items.Select(o => o.Number).ShouldBe([second.Number, first.Number]);
        page.Items[0].ItemCount.ShouldBe(3);
        page.Items[0].Total.ShouldBe(Eur(46.50m));
    }

    [Fact]
    public async Task A_bad_page_size_is_refused()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Queries.ListForCustomerAsync(Customer, "1000", null, Ct))).ShouldReport("pageSize");
    }

    [Fact]
    public async Task Staff_search_by_status_and_email_ignoring_case()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.InStatusAsync(OrderStatus.PendingPayment);

        var page = await _bed.Queries.SearchAsync(new OrderSearchQuery(Email: "ADA@example.com", Status: "paid"), Ct);

        page.Items.Select(o => o.Number).ShouldBe([paid.Number]);
    }

    [Fact]
    public void A_search_query_is_read_leniently_where_people_type_and_strictly_where_it_matters()
    {
        var (filter, page) = new OrderSearchQuery(" ss-7kq4-xm2p ", " Ada@Example.com ", "return-requested", "cust_1", "2025-03-01", "2025-03-14T10:00:00+01:00", "10").Parse();

        filter.ShouldBe(new OrderSearch("SS-7KQ4-XM2P", "ada@example.com", OrderStatus.ReturnRequested, "cust_1",
            new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero)));
        page.Size.ShouldBe(10);
    }

    [Theory]
    [InlineData("number", "12345", null, null, null, null)]
    [InlineData("email", null, "nobody", null, null, null)]
    [InlineData("status", null, null, "lost", null, null)]
    [InlineData("status", null, null, "5", null, null)]
    [InlineData("createdFrom", null, null, null, "yesterday", null)]
    [InlineData("createdTo", null, null, null, "2025-03-14", "2025-03-01")]
    public void A_search_parameter_that_makes_no_sense_is_refused(string field, string? number, string? email, string? status, string? from, string? to)
    {
        var failure = Should.Throw<ValidationFailedException>(() => new OrderSearchQuery(number, email, status, null, from, to).Parse());

        failure.ShouldReport(field);
    }

    [Fact]
    public async Task A_guest_prices_as_a_guest_without_asking_the_store()
    {
        var profiles = new CustomerPricingProfiles(_bed.Store);

        (await profiles.GetAsync(null, Ct)).ShouldBe(PricingCustomer.Guest);
        _bed.Store.HasPaidOrderQueries.ShouldBe(0);
    }

    [Fact]
    public async Task A_customer_is_on_their_first_order_until_one_was_paid()
    {
        var profiles = new CustomerPricingProfiles(_bed.Store);
        (await profiles.GetAsync(CustomerId, Ct)).IsFirstOrder.ShouldBeTrue();

        var pending = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        (await profiles.GetAsync(CustomerId, Ct)).IsFirstOrder.ShouldBeTrue();

        await _bed.Orders.MarkPaidAsync(pending.Number, Captured(), CheckoutActor, Ct);
        await _bed.Orders.CancelAsync(pending.Number, "Changed my mind", Support, Ct);
        var profile = await profiles.GetAsync(CustomerId, Ct);
        profile.IsFirstOrder.ShouldBeFalse();
        profile.CustomerId.ShouldBe(CustomerId);
        profile.Segments.ShouldBeEmpty();
        profile.MembershipTier.ShouldBeNull();
    }

    private static Administration.Actor Actor(string id) => new(id, [Administration.ShopRoles.Customer]);
}
