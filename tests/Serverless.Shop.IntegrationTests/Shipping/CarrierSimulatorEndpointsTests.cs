using System.Net;
using Serverless.Shop.IntegrationTests.Checkout;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>The local carrier's depot page and its scan calls: an order reaches delivered through the carrier's own signed webhook.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CarrierSimulatorEndpointsTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shopper = new(fixture);

    private async Task<(CheckoutShopper.Placed Placed, string TrackingNumber)> ShippedOrderAsync(string line1 = "Damrak 1")
    {
        var variant = await _shopper.ProductInStockAsync(3);
        var placed = await _shopper.PlaceAsync(await _shopper.CartWithAsync(variant, 1), address: CheckoutShopper.Address(line1: line1));
        await _shopper.CompletedAsync(placed.Number);
        var order = await _shopper.OrderAsync(placed);
        return (placed, order.GetProperty("tracking").GetProperty("trackingNumber").GetString()!);
    }

    [Fact]
    public async Task Delivering_a_parcel_at_the_local_carrier_makes_its_order_delivered()
    {
        var (placed, tracking) = await ShippedOrderAsync();

        var page = await _shopper.Guest.GetAsync($"simulators/carrier/{tracking}");
        var inTransit = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/in-transit", null);
        var shipped = (await _shopper.OrderAsync(placed)).GetProperty("status").GetString();
        var delivered = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/delivered", null);
        var body = await delivered.JsonAsync();
        var order = await _shopper.OrderAsync(placed);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain(placed.Number);
        inTransit.StatusCode.ShouldBe(HttpStatusCode.OK, await inTransit.Content.ReadAsStringAsync());
        shipped.ShouldBe("shipped");
        delivered.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("status").GetString().ShouldBe("delivered");
        order.GetProperty("status").GetString().ShouldBe("delivered");
        order.GetProperty("tracking").GetProperty("status").GetString().ShouldBe("delivered");
    }

    [Fact]
    public async Task A_delivery_scanned_days_ago_dates_the_delivery_then_so_the_return_window_counts_from_it()
    {
        var (placed, tracking) = await ShippedOrderAsync();

        var delivered = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/delivered?daysAgo=31", null);
        var order = await _shopper.OrderAsync(placed);

        delivered.StatusCode.ShouldBe(HttpStatusCode.OK, await delivered.Content.ReadAsStringAsync());
        order.GetProperty("status").GetString().ShouldBe("delivered");
        var deliveredAt = order.GetProperty("tracking").GetProperty("lastUpdateAt").GetDateTimeOffset();
        (DateTimeOffset.UtcNow - deliveredAt).TotalDays.ShouldBeInRange(30.9, 31.1);
        // The return window (30 days locally) has passed: no return can be asked for any more.
        order.TryGetProperty("returnableUntil", out var until).ShouldBeTrue();
        until.GetDateTimeOffset().ShouldBeLessThan(DateTimeOffset.UtcNow);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("366")]
    [InlineData("soon")]
    public async Task A_scan_date_out_of_range_is_a_problem_naming_daysAgo_and_moves_nothing(string daysAgo)
    {
        var (placed, tracking) = await ShippedOrderAsync();

        var delivered = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/delivered?daysAgo={daysAgo}", null);

        await ProblemAssertions.ShouldBeProblem(delivered, HttpStatusCode.BadRequest, "daysAgo");
        (await _shopper.OrderAsync(placed)).GetProperty("status").GetString().ShouldNotBe("delivered");
    }

    [Fact]
    public async Task An_unknown_scan_or_parcel_is_a_problem_and_moves_nothing()
    {
        var (placed, tracking) = await ShippedOrderAsync();

        var unknownScan = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/teleported", null);
        var unknownParcel = await _shopper.Guest.PostAsync("simulators/carrier/LC000000000000/delivered", null);
        var order = await _shopper.OrderAsync(placed);

        await ProblemAssertions.ShouldBeProblem(unknownScan, HttpStatusCode.BadRequest, "scan");
        await ProblemAssertions.ShouldBeProblem(unknownParcel, HttpStatusCode.NotFound);
        order.GetProperty("status").GetString().ShouldNotBe("delivered");
        (await _shopper.Guest.GetAsync("simulators/carrier/LC000000000000")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deliver_now_sends_the_rest_of_the_route_at_once_as_webhooks_the_shop_accepts_and_the_order_is_delivered()
    {
        var (placed, tracking) = await ShippedOrderAsync();
        var inTransit = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/in-transit", null);

        var delivered = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/deliver-now", null);
        var body = await delivered.JsonAsync();
        var again = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/deliver-now", null);

        inTransit.StatusCode.ShouldBe(HttpStatusCode.OK);
        delivered.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("status").GetString().ShouldBe("delivered");
        var steps = body.GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("status").GetString()).ShouldBe(["outForDelivery", "delivered"], "in transit was scanned by hand already");
        steps.ShouldAllBe(s => s.GetProperty("shopAnswered").GetInt32() == 200 && s.GetProperty("receipt").GetString() == "handled");
        (await _shopper.OrderAsync(placed)).GetProperty("status").GetString().ShouldBe("delivered");
        await ProblemAssertions.ShouldBeProblem(again, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("CARRIER-EXCEPTION Damrak 1", new[] { "inTransit", "outForDelivery", "deliveryFailed" })]
    [InlineData("CARRIER-RETURN Damrak 1", new[] { "inTransit", "outForDelivery", "deliveryFailed", "returnedToSender" })]
    public async Task Deliver_now_for_a_parcel_marked_to_fail_ends_where_its_route_ends(string line1, string[] route)
    {
        var (_, tracking) = await ShippedOrderAsync(line1);

        var finished = await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/deliver-now", null);
        var body = await finished.JsonAsync();

        finished.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ShouldBe(route);
        body.GetProperty("steps").EnumerateArray().ShouldAllBe(s => s.GetProperty("shopAnswered").GetInt32() == 200);
        body.GetProperty("status").GetString().ShouldBe(route[^1]);
    }

    [Fact]
    public async Task Deliver_now_for_an_unknown_parcel_is_a_404()
    {
        var unknown = await _shopper.Guest.PostAsync("simulators/carrier/LC00000000000000000000/deliver-now", null);

        await ProblemAssertions.ShouldBeProblem(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_list_of_parcels_needs_no_secret_and_shows_each_parcel_with_its_state()
    {
        var (_, tracking) = await ShippedOrderAsync();
        await _shopper.Guest.PostAsync($"simulators/carrier/{tracking}/in-transit", null);

        var list = await _shopper.Guest.GetAsync("simulators/carrier");
        var html = await list.Content.ReadAsStringAsync();
        var page = await (await _shopper.Guest.GetAsync($"simulators/carrier/{tracking}")).Content.ReadAsStringAsync();

        _shopper.Guest.DefaultRequestHeaders.Authorization.ShouldBeNull();
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        list.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var row = html[html.IndexOf(tracking, StringComparison.Ordinal)..];
        row[..row.IndexOf("</tr>", StringComparison.Ordinal)].ShouldContain("inTransit");
        html.ShouldContain("press a button", customMessage: "the test shop has no schedule, and the page says so");
        page.ShouldContain("data-scan=\"deliver-now\"");
    }
}
