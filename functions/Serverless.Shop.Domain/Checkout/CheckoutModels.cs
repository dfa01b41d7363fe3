using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Checkout;

/// <summary>
/// What a storefront posts to check out. Prices and totals are never part of it: the server prices the cart.
/// <see cref="PaymentToken"/> is what the provider's client-side SDK gave the storefront (a Stripe PaymentMethod id, or a
/// test card number with the local simulator); <see cref="ReturnUrl"/> is where a redirect (3-D Secure, a wallet) comes back to.
/// <see cref="PointsToSpend"/>: loyalty points a signed-in customer spends on the order, as a discount (docs/loyalty.md#redeeming-at-checkout).
/// <see cref="ShippingAddressId"/>: a signed-in customer's address book entry, instead of <see cref="ShippingAddress"/> (docs/customers.md).
/// <see cref="ShippingService"/>: standard (when not given) or express, as <c>POST /api/shipping/options</c> offers them (docs/shipping.md).
/// </summary>
public sealed record CheckoutInput(
    string? CartId, string? Email, ShippingAddress? ShippingAddress, PaymentMethod? PaymentMethod, string? PaymentToken, string? ReturnUrl,
    int? PointsToSpend = null, string? ShippingAddressId = null, ShippingServiceLevel? ShippingService = null);

/// <summary>
/// The answer to a checkout: the order, pending payment, and the token that lets a guest follow it
/// (GET /api/orders/{number}/status with header Order-Token). The orchestration does the rest.
/// </summary>
public sealed record CheckoutStarted(string OrderNumber, string OrderToken, OrderStatus Status, PricedCart Pricing, ShippingQuote Shipping);

/// <summary>The checkout orchestration's input. Everything it needs is on the order; this adds what is not kept there.</summary>
/// <param name="ReservationHold">How long stock stays reserved for this checkout before it is given back.</param>
/// <param name="PaymentActionTimeout">How long the customer has to complete a redirect (3-D Secure, wallet approval).</param>
public sealed record CheckoutProcess(
    string OrderNumber, PaymentMethod Method, string? PaymentToken, string? ReturnUrl, string? CartId,
    TimeSpan ReservationHold, TimeSpan PaymentActionTimeout);

/// <summary>Settings of the checkout (configuration section Checkout).</summary>
/// <param name="ReservationHold">Card and e-wallet checkouts: how long stock is held while the customer pays.</param>
/// <param name="BankTransferReservationHold">Bank transfers: stock is held until the transfer is due, and a little longer.</param>
/// <param name="ResumeAfter">How long an order may stay pending payment without a running orchestration before it is resumed.</param>
public sealed record CheckoutSettings(TimeSpan ReservationHold, TimeSpan BankTransferReservationHold, TimeSpan PaymentActionTimeout, TimeSpan ResumeAfter)
{
    public static readonly CheckoutSettings Default = new(TimeSpan.FromMinutes(30), TimeSpan.FromDays(8), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(2));

    /// <summary>How long a checkout paying this way holds its stock.</summary>
    public TimeSpan HoldFor(PaymentMethod method) => method == PaymentMethod.BankTransfer ? BankTransferReservationHold : ReservationHold;
}

/// <summary>How taking the payment went, as the orchestration needs it.</summary>
/// <param name="Reason">Why it did not go through, in words for the customer.</param>
/// <param name="PayBy">Bank transfers: when the transfer is due.</param>
/// <param name="LedgerKey">A capture: the key it has in the order's ledger, so marking the order paid records it once.</param>
public sealed record PaymentStepResult(
    PaymentOutcome Outcome, string? PaymentId, string? Reason, DateTimeOffset? PayBy, Common.Money? Amount = null, string? Provider = null, string? LedgerKey = null);

public sealed record ReserveStockStep(string OrderNumber, DateTimeOffset Until);

public sealed record MarkPaidStep(string OrderNumber, PaymentStepResult Payment);

/// <summary>An undo step of a failed checkout, with the reason the customer is told.</summary>
public sealed record CompensationStep(string OrderNumber, string Reason);

public enum CheckoutResult { Completed, Cancelled }

public sealed record CheckoutOutcome(string OrderNumber, CheckoutResult Result, string? Reason);
