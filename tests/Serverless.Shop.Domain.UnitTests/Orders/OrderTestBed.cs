using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>
/// <see cref="ManageOrders"/> and <see cref="OrderQueries"/> with in-memory ports, and orders brought to any status the way the shop gets them there:
/// through the commands, in order.
/// </summary>
internal sealed class OrderTestBed
{
    public const string CustomerId = "cust_ada";
    public const string AccessToken = "tok_0123456789abcdef0123456789";
    public static readonly Actor Customer = new(CustomerId, [ShopRoles.Customer]);
    public static readonly Actor OtherCustomer = new("cust_bob", [ShopRoles.Customer]);
    public static readonly Actor Support = new("staff_sam", [ShopRoles.Support]);
    public static readonly Actor Admin = new("staff_ann", [ShopRoles.Admin]);
    public static readonly Actor CheckoutActor = Actor.System("checkout");

    public InMemoryOrderStore Store { get; } = new();
    public RecordingWorkQueue Queue { get; } = new();
    public FakePaymentGateway Gateway { get; } = new();
    public FakeCarrier Carrier { get; } = new();
    public ManualClock Clock { get; } = new(FixedClock.Instant);
    public OrderSettings Settings { get; } = new(30);

    public ManageOrders Orders => new(Store, Queue, [Gateway], [Carrier], Settings, Clock);

    public OrderQueries Queries => new(Store, Settings);

    public OrderReturns Returns => new(Store, Queue, Settings, Clock);

    public RecordPayments Payments => new(Store, Queue, [Gateway], Clock);

    public ReturnSettings ReturnSettings { get; set; } = ReturnSettings.Default;

    public Serverless.Shop.Domain.UnitTests.Inventory.InMemoryInventoryStore Stock { get; } = new();

    /// <summary>The warehouses stock is booked into: <c>main</c>, and <c>east</c> for tests that restock elsewhere.</summary>
    public Serverless.Shop.Domain.UnitTests.Inventory.InMemoryWarehouseStore Warehouses { get; } = WithEast(Serverless.Shop.Domain.UnitTests.Inventory.InMemoryWarehouseStore.WithMain());

    private static Serverless.Shop.Domain.UnitTests.Inventory.InMemoryWarehouseStore WithEast(Serverless.Shop.Domain.UnitTests.Inventory.InMemoryWarehouseStore store)
    {
        store.Put(Serverless.Shop.Domain.UnitTests.Inventory.InMemoryWarehouseStore.Sample("east", new GeoPoint(52.37, 6.65), ["NL"]));
        return store;
    }

    public RequestItemReturns ItemReturns => new(Store, Queue, [Carrier], Settings, ReturnSettings, Clock);

    public ReceiveItemReturns Receipts => new(Store, Queue, new Serverless.Shop.Domain.Inventory.ManageStock(Stock, Warehouses, Queue, Clock), Refunds, ReturnSettings, Clock);

    public OrderRefunds Refunds => new(Store, Queue, [Gateway], Clock);

    /// <summary>A capture as the provider's webhook reports it, for the order's total unless said otherwise.</summary>
    public LedgerEntry Capture(string paymentId = "pi_1", decimal amount = 46.50m) =>
        new(LedgerKeys.Captured(FakePaymentGateway.Name, paymentId), FakePaymentGateway.Name, paymentId, LedgerEntryKind.Captured, Eur(amount), Clock.Now, "evt_" + paymentId);

    public IReadOnlyList<OrderChanged> Messages => Queue.MessagesOn<OrderChanged>(WorkQueues.OrderEvents);

    public Order Stored(string number) => Store.Current(number)!.Value;

    // ---- Examples ----------------------------------------------------------------------------------------------------

    public static Money Eur(decimal amount) => new(amount, "EUR");

    /// <summary>Two mugs with a sale discount and a T-shirt, shipping 4.90, prices including tax: 46.50 EUR.</summary>
    public static PricedCart Breakdown(decimal? total = null, string? problem = null)
    {
        var sale = new AppliedDiscount("promo_spring", "Spring sale", null, Eur(2.40m));
        PricedLine[] lines =
        [
            new("line_1", "prod_mug", "MUG-BLUE", "Blue mug", 2, Eur(12.00m), null, Eur(24.00m), [sale], Eur(2.40m), Eur(18.15m), 0.19m, Eur(3.45m), Eur(21.60m), problem),
            new("line_2", "prod_tee", "TEE-M", "Shop T-shirt", 1, Eur(20.00m), null, Eur(20.00m), [], Eur(0m), Eur(16.81m), 0.19m, Eur(3.19m), Eur(20.00m), null),
        ];
        return new PricedCart("EUR", lines, [new AppliedPromotion("promo_spring", "Spring sale", null, Eur(2.40m))], [],
            Eur(44.00m), Eur(2.40m), Eur(4.90m), Eur(0m), Eur(0.78m), Eur(7.42m), Eur(39.08m), Eur(total ?? 46.50m), PricesIncludeTax: true);
    }

    public static readonly ShippingAddress Address = new("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", null, "GB", null);
    public static readonly ShippingQuote Quote = new(FakeCarrier.CarrierName, "standard", Eur(4.90m), 2, 4);

    public static PlaceOrder Placement(string? number = null, string? customerId = CustomerId, PaymentMethod method = PaymentMethod.Card) =>
        new(number ?? OrderNumbers.New(), customerId, "ada@example.com", Breakdown(), Address, Quote, method, AccessToken);

    public static OrderPayment Captured(decimal amount = 46.50m, string paymentId = "pi_1") =>
        new(PaymentMethod.Card, FakePaymentGateway.Name, paymentId, PaymentOutcome.Captured, Eur(amount), Eur(0m));

    public static OrderPayment AwaitingTransfer(string paymentId = "bt_1") =>
        new(PaymentMethod.BankTransfer, FakePaymentGateway.Name, paymentId, PaymentOutcome.AwaitingTransfer, Eur(0m), Eur(0m),
            Transfer: new BankTransferInstructions("DE89370400440532013000", "COBADEFFXXX", "Serverless Shop GmbH", "SS7KQ4XM2P", Eur(46.50m), FixedClock.Instant.AddDays(7)));

    public static Shipment Shipment(string id = "shp_1") =>
        new(FakeCarrier.CarrierName, id, "TRACK123", "https://track.example/TRACK123", null);

    public TrackingEvent Tracking(string number, TrackingStatus status, DateTimeOffset? at = null, string? eventId = null) =>
        new(eventId ?? $"evt_{Guid.NewGuid():N}", FakeCarrier.CarrierName, "TRACK123", number, status, at ?? Clock.Now, null);

    // ---- Orders in a given status, through the commands ----------------------------------------------------------------

    public async Task<Order> InStatusAsync(OrderStatus status, string? customerId = CustomerId)
    {
        var ct = CancellationToken.None;
        var order = await Orders.PlaceAsync(Placement(customerId: customerId), ct);
        var n = order.Number;
        if (status == OrderStatus.PendingPayment) return order;
        if (status == OrderStatus.Cancelled) return await Orders.CancelAsync(n, "Changed my mind", Support, ct);

        order = await Orders.MarkPaidAsync(n, Captured(), CheckoutActor, ct);
        if (status == OrderStatus.Paid) return order;
        if (status == OrderStatus.Refunded) return await Orders.RefundAsync(n, Eur(46.50m), "Out of stock", Admin, ct);

        order = await Orders.AttachShipmentAsync(n, Shipment(), ct);
        if (status == OrderStatus.Processing) return order;

        Clock.Advance(TimeSpan.FromHours(1));
        order = await Orders.ApplyTrackingAsync(Tracking(n, TrackingStatus.InTransit), ct);
        if (status == OrderStatus.Shipped) return order;

        Clock.Advance(TimeSpan.FromDays(1));
        order = await Orders.ApplyTrackingAsync(Tracking(n, TrackingStatus.Delivered), ct);
        if (status == OrderStatus.Delivered) return order;

        order = await Returns.RequestReturnAsync(n, "Too small", Customer with { Id = customerId ?? "" }, ct);
        if (status == OrderStatus.ReturnRequested) return order;

        order = await Returns.MarkReturnedAsync(n, Support, ct);
        if (status == OrderStatus.Returned) return order;
        throw new ArgumentOutOfRangeException(nameof(status));
    }
}
