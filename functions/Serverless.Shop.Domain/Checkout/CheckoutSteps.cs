using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Checkout;

/// <summary>
/// The steps of the checkout orchestration, one method each. Every step reads the order and is idempotent by its
/// number: the order number is the stock reservation id, the promotions' hold, and the base of every idempotency key
/// sent to a payment provider or carrier. So a step retried after a timeout, or replayed after a crash, changes
/// nothing the second time. Failures that are the customer's to know (sold out, declined) are
/// <see cref="ShopException"/>s with a message written for them; anything else is retried by the orchestration.
/// </summary>
public sealed class CheckoutSteps(
    ManageOrders orders, OrderQueries orderQueries, ICartPricing pricing, ManageStock stock, IPromotionRedemptions redemptions,
    PaymentGateways gateways, IEnumerable<ICarrier> carriers, ICartStore carts, RecordPayments payments, IEnumerable<IPaymentSearch> searches,
    TimeProvider clock, PointsLedger points, LoyaltySettings loyalty, AllocateStock allocate, IGeocoder geocoder, IWarehouseStore warehouses,
    IFlashSaleHolds flashSales)
{
    private static readonly Actor Checkout = Actor.System("checkout");

    /// <summary>
    /// Prices the order one final time. The price the customer was shown at checkout is the price charged: if it
    /// changed since (a flash sale ended that second, a price was edited), the checkout stops rather than charge
    /// another amount. Once a payment was attempted the price is settled and not checked again.
    /// </summary>
    public async Task ConfirmPriceAsync(string number, CancellationToken ct)
    {
        var order = await OrderAsync(number, ct);
        if (order.Payment is not null) return;
        var lines = order.Pricing.Lines.Select(l => new CartLineRef(l.LineId, l.ProductId, l.Sku, l.Quantity)).ToList();
        var codes = order.Pricing.Promotions.Select(p => p.Code).OfType<string>().ToList();
        PricedCart now;
        try
        {
            // With the full address, so that a tax service (when tax comes from one) calculates the tax again.
            now = await pricing.PriceAsync(new CartPricingInput(
                lines, codes, order.CustomerId, new TaxLocation(order.ShippingAddress.Country!, order.ShippingAddress.Region), order.Pricing.ShippingFee)
                { CheckoutAddress = order.ShippingAddress, AppliedLast = PointsDiscount.For(order.PointsSpent, loyalty, order.Currency, order.CreatedAt) }, ct);
        }
        catch (NoTaxRateException e)
        {
            // The rate was removed since the order was placed: the shop no longer sells there.
            throw new BusinessRuleViolationException($"{e.Message} Nothing was charged.");
        }
        if (now.Lines.FirstOrDefault(l => l.Problem is not null) is { } gone)
            throw new BusinessRuleViolationException($"{gone.Name} ({gone.Sku}) can no longer be bought: {gone.Problem} Nothing was charged.");
        if (now.Total != order.Pricing.Total)
            throw new BusinessRuleViolationException(
                $"The price changed from {OrderEmails.Format(order.Pricing.Total)} to {OrderEmails.Format(now.Total)} while the order was placed (a promotion ended or a price was updated). Nothing was charged; please check your cart and order again.");
    }

    /// <summary>
    /// Holds the uses of limited promotions, the flash sale units of the order's sale lines (within each sale's caps
    /// and per-customer limit) and the loyalty points the order spends, in that order: when a later hold fails, the
    /// compensation gives the earlier ones back. An order without sale lines costs the sale hold nothing.
    /// </summary>
    public async Task HoldPromotionsAsync(string number, CancellationToken ct)
    {
        var order = await OrderAsync(number, ct);
        await redemptions.HoldAsync(number, order.CustomerId, PointsDiscount.WithoutPoints(order.Pricing.Promotions), ct);
        await flashSales.HoldAsync(order, ct);
        if (order is { PointsSpent: > 0, CustomerId: { } customerId }) await points.HoldAsync(customerId, number, order.PointsSpent, ct);
    }

    /// <summary>Gives back the promotion uses, the flash sale units and the loyalty points the order held (or redeemed).</summary>
    public async Task ReleasePromotionsAsync(string number, CancellationToken ct)
    {
        var order = await OrderAsync(number, ct);
        await redemptions.ReleaseAsync(number, PointsDiscount.WithoutPoints(order.Pricing.Promotions), ct);
        await flashSales.ReleaseAsync(order, ct);
        if (order is { PointsSpent: > 0, CustomerId: { } customerId }) await points.GiveBackAsync(customerId, number, ct);
    }

    /// <summary>Makes the held promotion uses, flash sale units and loyalty points final (the order was paid).</summary>
    public async Task RedeemPromotionsAsync(string number, CancellationToken ct)
    {
        var order = await OrderAsync(number, ct);
        // Staff cancelled the order meanwhile: its cancellation gives the uses back (CancelledOrderGivesBack), so none is made final.
        if (order.Status == OrderStatus.Cancelled) return;
        await redemptions.RedeemAsync(number, PointsDiscount.WithoutPoints(order.Pricing.Promotions), ct);
        await flashSales.CommitAsync(order, ct);
        if (order is { PointsSpent: > 0, CustomerId: { } customerId }) await points.RedeemAsync(customerId, number, ct);
    }

    /// <summary>
    /// Allocates the order to warehouses and reserves its units there (<see cref="AllocateStock"/>), then records the
    /// allocation on the order. A replay finds the reservation and records the same allocation (no second write).
    /// </summary>
    public async Task ReserveStockAsync(ReserveStockStep step, CancellationToken ct)
    {
        var read = await orderQueries.GetAsync(step.OrderNumber, ct);
        var order = read.Value;
        var destination = await LocateAsync(order.ShippingAddress, ct);
        var allocation = await allocate.ReserveAsync(order.Number, Items(order), order.ShippingAddress.Country!, destination, step.Until, ct);
        await orders.RecordAllocationAsync(order.Number, allocation, ct, read);
    }

    /// <summary>
    /// Where the parcel goes, so the nearest warehouse ships it (AllocationByDistanceTests); null when the address cannot
    /// be located or the geocoder fails. Then warehouses are ranked by priority: the order still ships, from a warehouse
    /// that may be farther, rather than a paid-for checkout failing on a map service.
    /// </summary>
    private async Task<GeoPoint?> LocateAsync(ShippingAddress address, CancellationToken ct)
    {
        try
        {
            return (await geocoder.GeocodeAsync(address, ct))?.Point;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    public async Task ReleaseStockAsync(string number, CancellationToken ct)
    {
        var order = await OrderAsync(number, ct);
        await stock.ReleaseAsync(order.Number, Skus(order), ct);
    }

    public async Task CommitStockAsync(string number, CancellationToken ct)
    {
        var order = await OrderAsync(number, ct);
        // Staff cancelled the order meanwhile: its cancellation releases the reservation (CancelledOrderGivesBack), so nothing is sold.
        if (order.Status == OrderStatus.Cancelled) return;
        await stock.CommitAsync(order.Number, Skus(order), ct);
    }

    /// <summary>
    /// Asks the gateway for the order's total, with one idempotency key per order: a retry, or a replay after a crash,
    /// gets the first answer back and never a second charge. The order's ledger is read first: money that arrived while
    /// no checkout ran (a webhook, or a charge found by reconciliation) is the payment, and nothing is asked again. A
    /// restarted checkout (it has no card token) whose payment waits for the customer or the bank waits again for it.
    /// A capture the gateway reports at once is recorded in the ledger before anything else.
    /// </summary>
    public async Task<PaymentStepResult> TakePaymentAsync(CheckoutProcess process, CancellationToken ct)
    {
        var read = await orderQueries.GetAsync(process.OrderNumber, ct);
        var order = read.Value;
        if (order.Ledger is { Unrefunded: > 0, FirstCapture: { } capture })
            return new PaymentStepResult(PaymentOutcome.Captured, capture.PaymentId, null, null, capture.Amount, capture.Provider, capture.Key);
        if (process.PaymentToken is null && order.Payment is { Outcome: PaymentOutcome.ActionRequired or PaymentOutcome.AwaitingTransfer } waiting)
            return new PaymentStepResult(waiting.Outcome, waiting.PaymentId, null, waiting.Transfer?.PayBy, order.Pricing.Total, waiting.Provider);
        var gateway = gateways.For(order.PaymentMethod);
        if (order.PaymentMethod == PaymentMethod.Card && process.PaymentToken is null && order.Payment is null)
        {
            // The checkout may have died between the charge and recording it: the provider knows.
            if (await FindChargeAsync(order, gateway.Provider, ct) is { } found) return found;
            throw new BusinessRuleViolationException("The checkout was interrupted before the card was charged, and the card details are not kept. Nothing was charged; please order again.");
        }
        var result = await gateway.ChargeAsync(new PaymentRequest(
            order.Number, order.Pricing.Total, order.PaymentMethod, process.PaymentToken, process.ReturnUrl, order.Email, ChargeKey(order.Number)), ct);
        if (result.Outcome == PaymentOutcome.Captured)
        {
            var paymentId = result.PaymentId ?? order.Number;
            var entry = new LedgerEntry(LedgerKeys.Captured(result.Provider, paymentId), result.Provider, paymentId, LedgerEntryKind.Captured, order.Pricing.Total, clock.GetUtcNow(), "checkout");
            await payments.RecordAsync(order.Number, entry, ct, read);
            return new PaymentStepResult(result.Outcome, result.PaymentId, null, null, order.Pricing.Total, result.Provider, entry.Key);
        }
        await orders.RecordPaymentAttemptAsync(order.Number, OrderPayment.From(result, order.PaymentMethod, order.Pricing.Total), ct);
        var reason = result.Outcome == PaymentOutcome.Declined ? result.Message ?? "The payment was declined." : null;
        return new PaymentStepResult(result.Outcome, result.PaymentId, reason, result.Transfer?.PayBy, order.Pricing.Total, result.Provider);
    }

    // A restarted card checkout that has no record of a charge asks the provider (the search by order number that
    // reconciliation uses): a capture is recorded and is the payment. Anything else took no money, and the checkout stops.
    private async Task<PaymentStepResult?> FindChargeAsync(Order order, string provider, CancellationToken ct)
    {
        if (searches.FirstOrDefault(s => s.Provider == provider) is not { } search) return null;
        var found = (await search.FindByOrderAsync(order.Number, ct)).Where(p => p.OrderId == order.Number).ToList();
        if (found.FirstOrDefault(p => p.Captured) is { } captured)
        {
            var entry = new LedgerEntry(LedgerKeys.Captured(provider, captured.PaymentId), provider, captured.PaymentId, LedgerEntryKind.Captured, captured.Amount, captured.CreatedAt, "checkout");
            await payments.RecordAsync(order.Number, entry, ct);
            return new PaymentStepResult(PaymentOutcome.Captured, captured.PaymentId, null, null, captured.Amount, provider, entry.Key);
        }
        return null;
    }

    /// <summary>
    /// Cancels a payment still waiting for the customer (3-D Secure, wallet approval). A bank transfer has nothing to
    /// cancel. What the provider did is recorded in the ledger: a void, or a refund when the payment had gone through.
    /// </summary>
    public async Task VoidPaymentAsync(string number, CancellationToken ct)
    {
        var order = await OrderAsync(number, ct);
        if (order.Payment is not { Outcome: PaymentOutcome.ActionRequired, PaymentId: { } paymentId } payment) return;
        var key = $"{order.Number}-void";
        var result = await gateways.ByProvider(payment.Provider).RefundAsync(paymentId, order.Pricing.Total, key, ct);
        var entry = result.Amount.Amount > 0
            ? new LedgerEntry(LedgerKeys.Refunded(payment.Provider, key), payment.Provider, paymentId, LedgerEntryKind.Refunded, result.Amount, clock.GetUtcNow(), "checkout")
            : new LedgerEntry(LedgerKeys.Voided(payment.Provider, paymentId), payment.Provider, paymentId, LedgerEntryKind.Voided, order.Pricing.Total, clock.GetUtcNow(), "checkout");
        await payments.RecordAsync(order.Number, entry, ct);
    }

    public async Task MarkPaidAsync(MarkPaidStep step, CancellationToken ct)
    {
        var read = await orderQueries.GetAsync(step.OrderNumber, ct);
        var order = read.Value;
        var provider = step.Payment.Provider ?? order.Payment?.Provider ?? gateways.For(order.PaymentMethod).Provider;
        var captured = step.Payment.Amount ?? order.Pricing.Total;
        await orders.MarkPaidAsync(order.Number, new OrderPayment(
            order.PaymentMethod, provider, step.Payment.PaymentId ?? order.Payment?.PaymentId, PaymentOutcome.Captured,
            captured, new Money(0m, order.Currency), Transfer: order.Payment?.Transfer), Checkout, ct, step.Payment.LedgerKey, read);
    }

    /// <summary>
    /// Buys a label for each parcel of the order's allocation, from its warehouse's address, with the idempotency key
    /// "&lt;number&gt;-shipment-&lt;warehouse&gt;", and records it on the order (the first moves it to processing). A
    /// replay skips the parcels already labelled, and a label bought but not recorded is the same label again (the key).
    /// An order without an allocation (placed before warehouses) gets one shipment from the shop's default origin, as before.
    /// </summary>
    public async Task CreateShipmentAsync(string number, CancellationToken ct)
    {
        var read = await orderQueries.GetAsync(number, ct);
        var order = read.Value;
        if (order.Shipment is not null) return;
        var carrier = carriers.FirstOrDefault(c => c.Name == order.ShippingQuote?.Carrier) ?? carriers.First();
        // The carrier's own service when the fee was its live rate (the label is bought at what was quoted), else the level.
        var service = order.ShippingQuote?.CarrierService ?? order.ShippingQuote?.Service ?? "standard";
        if (order.Allocation is not { Parcels.Count: > 0 } allocation)
        {
            var shipment = await carrier.CreateShipmentAsync(new ShipmentRequest(order.Number, order.ShippingAddress, Items(order), service, $"{order.Number}-shipment"), ct);
            await orders.AttachShipmentAsync(order.Number, shipment, ct, read);
            return;
        }
        if (allocation.Parcels.All(p => order.Parcels.Any(labelled => labelled.WarehouseId == p.WarehouseId))) return;
        var directory = (await warehouses.ReadAsync(ct)).Directory;
        Versioned<Order>? lastRead = read;
        foreach (var (parcel, request) in ParcelLabels(order, allocation, directory, service))
        {
            var shipment = await carrier.CreateShipmentAsync(request, ct);
            await orders.AttachParcelAsync(order.Number, parcel, shipment, ct, lastRead);
            lastRead = null;
        }
    }

    /// <summary>
    /// The label to buy for each allocated parcel not labelled yet: its items, from its warehouse's address (a warehouse
    /// without one, migrated from a free-form name, ships from the carrier's configured origin), with the key
    /// "&lt;number&gt;-shipment-&lt;warehouse&gt;".
    /// </summary>
    public static IReadOnlyList<(AllocatedParcel Parcel, ShipmentRequest Request)> ParcelLabels(Order order, Allocation allocation, WarehouseDirectory directory, string service) =>
        [.. allocation.Parcels
            .Where(parcel => !order.Parcels.Any(labelled => labelled.WarehouseId == parcel.WarehouseId))
            .Select(parcel => (parcel, new ShipmentRequest(order.Number, order.ShippingAddress, parcel.Items, service, $"{order.Number}-shipment-{parcel.WarehouseId}")
            {
                Origin = directory.Find(parcel.WarehouseId)?.Address,
            }))];

    /// <summary>The order is paid and on its way: the cart it came from has done its job.</summary>
    public Task CloseCartAsync(string? cartId, CancellationToken ct) => cartId is null ? Task.CompletedTask : carts.DeleteAsync(cartId, ct);

    /// <summary>
    /// Cancels the order with the reason the customer reads. Whatever was captured is refunded with it (in full, once:
    /// <see cref="ManageOrders.CancelAsync"/> keys the refund by order), so this is also the compensation of a payment.
    /// </summary>
    public Task CancelOrderAsync(CompensationStep step, CancellationToken ct) => orders.CancelAsync(step.OrderNumber, step.Reason, Checkout, ct);

    public static string ChargeKey(string number) => $"{number}-charge";

    private async Task<Order> OrderAsync(string number, CancellationToken ct) => (await orderQueries.GetAsync(number, ct)).Value;

    private static IReadOnlyList<ParcelItem> Items(Order order) =>
        order.Pricing.Lines.Where(l => l.Problem is null).GroupBy(l => l.Sku).Select(g => new ParcelItem(g.Key, g.Sum(l => l.Quantity))).ToList();

    private static IReadOnlyList<string> Skus(Order order) => Items(order).Select(i => i.Sku).ToList();
}
