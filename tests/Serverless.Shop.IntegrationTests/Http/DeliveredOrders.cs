using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Orders written straight through <see cref="ManageOrders"/> (and read through <see cref="OrderQueries"/>), already delivered, for the tests of returns.</summary>
public static class DeliveredOrders
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static Money Eur(decimal amount) => new(amount, "EUR");

    /// <summary>The carrier says each of the order's parcels was delivered <paramref name="ago"/>.</summary>
    public static async Task<Order> DeliverAsync(ManageOrders orders, OrderQueries queries, string number, TimeSpan ago)
    {
        Order? delivered = null;
        foreach (var parcel in (await queries.GetAsync(number, Ct)).Value.AllParcels())
            delivered = await orders.ApplyTrackingAsync(new TrackingEvent("evt_" + Guid.NewGuid().ToString("N"), parcel.Carrier, parcel.TrackingNumber, number,
                TrackingStatus.Delivered, DateTimeOffset.UtcNow - ago, null), Ct);
        return delivered ?? throw new InvalidOperationException($"Order {number} has no parcel to deliver.");
    }

    /// <summary>An order of two blue mugs (21.60), paid through a provider the shop does not have, delivered <paramref name="ago"/>.</summary>
    public static async Task<Order> TwoMugsAsync(ManageOrders orders, OrderQueries queries, string? customerId, TimeSpan ago)
    {
        var line = new PricedLine("line_1", "prod_mug", "MUG-BLUE", "Blue mug", 2, Eur(12m), null, Eur(24m), [], Eur(0m), Eur(18.15m), 0.19m, Eur(3.45m), Eur(21.60m), null);
        var pricing = new PricedCart("EUR", [line], [], [], Eur(24m), Eur(0m), Eur(4.90m), Eur(0m), Eur(0.78m), Eur(4.23m), Eur(22.27m), Eur(26.50m), true);
        var order = await orders.PlaceAsync(new PlaceOrder(OrderNumbers.New(), customerId, $"buyer-{Guid.NewGuid():N}@example.com", pricing,
            new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", null, "GB", null),
            new ShippingQuote(LocalCarrierSimulator.CarrierName, "standard", Eur(4.90m), 2, 4), PaymentMethod.Card, OrderAccessTokens.New()), Ct);
        await orders.MarkPaidAsync(order.Number, new OrderPayment(PaymentMethod.Card, "test-gateway", "pi_" + order.Number, PaymentOutcome.Captured, Eur(26.50m), Eur(0m)), Actor.System("checkout"), Ct);
        await orders.AttachShipmentAsync(order.Number, new Shipment(LocalCarrierSimulator.CarrierName, "shp_" + order.Number, "TRK" + order.Number, "https://track.example/" + order.Number, null), Ct);
        return await DeliverAsync(orders, queries, order.Number, ago);
    }
}
