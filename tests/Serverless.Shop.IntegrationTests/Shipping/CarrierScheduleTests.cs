using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Functions;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>
/// The local carrier's schedule on shops of their own (Shipping:LocalCarrier:SecondsPerStep set): parcels move to
/// delivered through signed webhooks that the shop's carrier route accepts, and a host restarted on the same data sends
/// the step it still owed once and no step it had sent.
/// </summary>
public sealed class CarrierScheduleTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("serverless-shop-carrier-").FullName;

    private static Task<LocalShop> StartShopAsync(string? dataDirectory, string secondsPerStep) =>
        LocalShop.StartAsync(new LocalShopOptions(RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory))
        {
            Port = 0,
            DataDirectory = dataDirectory,
            SeedDemoCatalog = false,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
            RunTimersOnSchedule = false,
            Settings = new Dictionary<string, string?> { [LocalCarrierRegistration.SecondsPerStepSetting] = secondsPerStep },
        }, NullLogger.Instance, CancellationToken.None);

    private static async Task<(CheckoutShopper Shopper, CheckoutShopper.Placed Placed, string TrackingNumber)> ShippedOrderAsync(LocalShop shop)
    {
        var shopper = new CheckoutShopper(LocalShopFixture.For(shop));
        var placed = await shopper.PlaceAsync(await shopper.CartWithAsync(await shopper.ProductInStockAsync(2), 1));
        await shopper.CompletedAsync(placed.Number);
        var order = await shopper.OrderAsync(placed);
        return (shopper, placed, order.GetProperty("tracking").GetProperty("trackingNumber").GetString()!);
    }

    private static async Task<JsonElement> StaffOrderAsync(CheckoutShopper shopper, string number)
    {
        var response = await shopper.Admin.GetAsync($"api/orders/{number}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static Task<JsonElement> DeliveredAsync(CheckoutShopper shopper, CheckoutShopper.Placed placed) =>
        HttpTestExtensions.EventuallyAsync(() => shopper.OrderAsync(placed), o => o.GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(60));

    private static List<string> References(JsonElement order) =>
        order.GetProperty("history").EnumerateArray()
            .Select(h => h.TryGetProperty("reference", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "").Where(r => r.Length > 0).ToList();

    [Fact]
    public async Task The_schedule_moves_a_parcel_to_delivered_with_signed_webhooks_the_shop_accepts()
    {
        await using var shop = await StartShopAsync(null, secondsPerStep: "1");
        var (shopper, placed, tracking) = await ShippedOrderAsync(shop);

        var order = await DeliveredAsync(shopper, placed);

        order.GetProperty("status").GetString().ShouldBe("delivered");
        // The courier notes a step as sent when the shop's answer is back, which can be a moment after the order shows it.
        var courier = shop.Services.GetRequiredService<LocalCarrierCourier>();
        var sent = await HttpTestExtensions.EventuallyAsync(
            () => Task.FromResult(courier.Sent.Where(d => d.TrackingNumber == tracking).ToList()), all => all.Count >= 3, TimeSpan.FromSeconds(10));
        var parcel = (await shop.Services.GetRequiredService<LocalCarrierSimulator>().FindAsync(tracking, CancellationToken.None)).ShouldNotBeNull();
        parcel.History.Select(h => h.Status).ShouldBe([TrackingStatus.LabelCreated, TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.Delivered]);
        parcel.UnsentEventId.ShouldBeNull();
        sent.Select(d => d.Status).ShouldBe([TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.Delivered]);
        sent.ShouldAllBe(d => d.ShopAnswered == 200 && d.Receipt == "handled");
        // Each step reached the order through the webhook route: its history names the carrier's event ids.
        var references = References(await StaffOrderAsync(shopper, placed.Number));
        sent.ShouldAllBe(d => references.Count(r => r == d.EventId) == 1);
        // A step waits its turn: no two steps of the parcel less than a second apart.
        parcel.History.Zip(parcel.History.Skip(1), (a, b) => b.At - a.At).ShouldAllBe(gap => gap >= TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task A_restarted_host_sends_the_step_it_still_owed_once_and_no_step_it_had_sent()
    {
        CheckoutShopper.Placed placed;
        string tracking, inTransit, owed;
        await using (var first = await StartShopAsync(_data, secondsPerStep: "0"))
        {
            (_, placed, tracking) = await ShippedOrderAsync(first);
            var courier = first.Services.GetRequiredService<LocalCarrierCourier>();
            var sent = (await courier.AdvanceAsync(tracking, CancellationToken.None)).ShouldNotBeNull();
            sent.Receipt.ShouldBe("handled");
            inTransit = sent.EventId;
            // The host stops between recording the next step and sending it: the step is owed.
            owed = (await first.Services.GetRequiredService<LocalCarrierSimulator>().RecordNextStepAsync(tracking, CancellationToken.None)).UnsentEventId.ShouldNotBeNull();
        }

        await using var second = await StartShopAsync(_data, secondsPerStep: "1");
        var shopper = new CheckoutShopper(LocalShopFixture.For(second));
        await DeliveredAsync(shopper, placed);

        // The courier notes a step as sent when the shop's answer is back, which can be a moment after the order shows it.
        var secondCourier = second.Services.GetRequiredService<LocalCarrierCourier>();
        var resent = await HttpTestExtensions.EventuallyAsync(
            () => Task.FromResult(secondCourier.Sent.Where(d => d.TrackingNumber == tracking).ToList()), sent => sent.Count >= 2, TimeSpan.FromSeconds(10));
        resent.Select(d => (d.Status, d.Receipt)).ShouldBe([(TrackingStatus.OutForDelivery, "handled"), (TrackingStatus.Delivered, "handled")]);
        resent[0].EventId.ShouldBe(owed, "the owed step keeps its event id");
        var parcel = (await second.Services.GetRequiredService<LocalCarrierSimulator>().FindAsync(tracking, CancellationToken.None)).ShouldNotBeNull();
        parcel.History.Select(h => h.Status).ShouldBe([TrackingStatus.LabelCreated, TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.Delivered]);
        var references = References(await StaffOrderAsync(shopper, placed.Number));
        references.Count(r => r == inTransit).ShouldBe(1);
        references.Count(r => r == owed).ShouldBe(1);
    }

    [Fact]
    public void The_schedule_and_the_depot_pages_exist_only_on_the_local_host()
    {
        var functionApp = new[] { typeof(ShopServices).Assembly, typeof(ICarrier).Assembly, typeof(Infrastructure.Shipping.ShippingRegistration).Assembly };
        var localHost = typeof(LocalCarrierSchedule).Assembly.GetName().Name;

        localHost.ShouldBe("Serverless.Shop.LocalHost");
        functionApp.ShouldAllBe(a => a.GetReferencedAssemblies().All(r => r.Name != localHost), "the function app cannot reach the simulator, its schedule or its pages");
        FunctionCatalog.Discover(LocalShop.FunctionApp).ShouldNotContain(f => f.Route != null && f.Route.StartsWith("simulators", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); }
        catch (IOException) { } // an emulator still closing its files; the folder is in the temp directory
    }
}
