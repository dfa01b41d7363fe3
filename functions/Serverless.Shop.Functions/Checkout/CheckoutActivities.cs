using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Checkout;

namespace Serverless.Shop.Functions.Checkout;

/// <summary>The checkout's steps as activity functions: each binds its input and calls one step of <see cref="CheckoutSteps"/>.</summary>
public sealed class CheckoutActivities(CheckoutSteps steps)
{
    public const string ConfirmPrice = "CheckoutConfirmPrice";
    public const string HoldPromotions = "CheckoutHoldPromotions";
    public const string ReleasePromotions = "CheckoutReleasePromotions";
    public const string RedeemPromotions = "CheckoutRedeemPromotions";
    public const string ReserveStock = "CheckoutReserveStock";
    public const string ReleaseStock = "CheckoutReleaseStock";
    public const string CommitStock = "CheckoutCommitStock";
    public const string TakePayment = "CheckoutTakePayment";
    public const string VoidPayment = "CheckoutVoidPayment";
    public const string MarkPaid = "CheckoutMarkPaid";
    public const string CreateShipment = "CheckoutCreateShipment";
    public const string CloseCart = "CheckoutCloseCart";
    public const string CancelOrder = "CheckoutCancelOrder";

    [Function(ConfirmPrice)]
    public Task RunConfirmPrice([ActivityTrigger] string orderNumber, CancellationToken ct) => steps.ConfirmPriceAsync(orderNumber, ct);

    [Function(HoldPromotions)]
    public Task RunHoldPromotions([ActivityTrigger] string orderNumber, CancellationToken ct) => steps.HoldPromotionsAsync(orderNumber, ct);

    [Function(ReleasePromotions)]
    public Task RunReleasePromotions([ActivityTrigger] CompensationStep step, CancellationToken ct) => steps.ReleasePromotionsAsync(step.OrderNumber, ct);

    [Function(RedeemPromotions)]
    public Task RunRedeemPromotions([ActivityTrigger] string orderNumber, CancellationToken ct) => steps.RedeemPromotionsAsync(orderNumber, ct);

    [Function(ReserveStock)]
    public Task RunReserveStock([ActivityTrigger] ReserveStockStep step, CancellationToken ct) => steps.ReserveStockAsync(step, ct);

    [Function(ReleaseStock)]
    public Task RunReleaseStock([ActivityTrigger] CompensationStep step, CancellationToken ct) => steps.ReleaseStockAsync(step.OrderNumber, ct);

    [Function(CommitStock)]
    public Task RunCommitStock([ActivityTrigger] string orderNumber, CancellationToken ct) => steps.CommitStockAsync(orderNumber, ct);

    [Function(TakePayment)]
    public Task<PaymentStepResult> RunTakePayment([ActivityTrigger] CheckoutProcess process, CancellationToken ct) => steps.TakePaymentAsync(process, ct);

    [Function(VoidPayment)]
    public Task RunVoidPayment([ActivityTrigger] CompensationStep step, CancellationToken ct) => steps.VoidPaymentAsync(step.OrderNumber, ct);

    [Function(MarkPaid)]
    public Task RunMarkPaid([ActivityTrigger] MarkPaidStep step, CancellationToken ct) => steps.MarkPaidAsync(step, ct);

    [Function(CreateShipment)]
    public Task RunCreateShipment([ActivityTrigger] string orderNumber, CancellationToken ct) => steps.CreateShipmentAsync(orderNumber, ct);

    [Function(CloseCart)]
    public Task RunCloseCart([ActivityTrigger] string? cartId, CancellationToken ct) => steps.CloseCartAsync(cartId, ct);

    [Function(CancelOrder)]
    public Task RunCancelOrder([ActivityTrigger] CompensationStep step, CancellationToken ct) => steps.CancelOrderAsync(step, ct);
}
