using Serverless.Shop.Functions.Checkout;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.CrashRecovery;

/// <summary>How the shopper pays, and how the checkout is meant to end.</summary>
public enum CrashScenario
{
    /// <summary>The local card simulator's pm_card_visa: captured at once. Ends processing.</summary>
    Card,

    /// <summary>A card that needs 3-D Secure: the shopper authenticates on the simulator's page, which sends the signed webhook. Ends processing.</summary>
    CardThreeDSecure,

    /// <summary>Bank transfer, paid: the bank's signed transfer.received webhook. Ends processing.</summary>
    BankTransferWebhook,

    /// <summary>Bank transfer, paid: an admin marks it received. Ends processing.</summary>
    BankTransferAdmin,

    /// <summary>The local wallet: the shopper approves on its page, which sends the signed webhook. Ends processing.</summary>
    Wallet,

    /// <summary>A card charged, then the carrier is down: the checkout is undone and the charge refunded. Ends cancelled.</summary>
    CardCarrierDown,
}

/// <summary>One cell of the crash matrix: a way to pay, and where the host is killed.</summary>
public sealed record CrashCase(CrashScenario Scenario, CrashPoint Point)
{
    public string Name => $"{Scenario} killed at {Point}";

    public bool EndsCancelled => Scenario == CrashScenario.CardCarrierDown;

    public bool PaysByCard => Scenario is CrashScenario.Card or CrashScenario.CardThreeDSecure or CrashScenario.CardCarrierDown;

    public override string ToString() => Name;

    /// <summary>The steps a successful checkout runs, in order (CheckoutOrchestration).</summary>
    public static readonly string[] ForwardSteps =
    [
        CheckoutActivities.ConfirmPrice, CheckoutActivities.HoldPromotions, CheckoutActivities.ReserveStock, CheckoutActivities.TakePayment,
        CheckoutActivities.MarkPaid, CheckoutActivities.CreateShipment, CheckoutActivities.CommitStock, CheckoutActivities.RedeemPromotions,
        CheckoutActivities.CloseCart,
    ];

    /// <summary>
    /// Every case, in the order the matrix lists them: each forward step before and after its effect for every way to
    /// pay; the webhook (or the admin) signalling the checkout for the ways that wait for one; StartCheckout starting
    /// the orchestration (the same code for every way, so once, by card); and the compensations of a checkout that
    /// fails after the charge (the carrier is down, so CreateShipment never succeeds and has no "after").
    /// </summary>
    public static IReadOnlyList<CrashCase> All()
    {
        var cases = new List<CrashCase>();
        void Both(CrashScenario scenario, string step)
        {
            cases.Add(new CrashCase(scenario, new CrashPoint(step, CrashMoment.Before)));
            cases.Add(new CrashCase(scenario, new CrashPoint(step, CrashMoment.After)));
        }
        Both(CrashScenario.Card, CrashPoint.StartStep);
        foreach (var scenario in new[] { CrashScenario.Card, CrashScenario.CardThreeDSecure, CrashScenario.BankTransferWebhook, CrashScenario.Wallet })
        {
            foreach (var step in ForwardSteps)
            {
                Both(scenario, step);
                if (step == CheckoutActivities.TakePayment && scenario != CrashScenario.Card) Both(scenario, CrashPoint.SignalStep);
            }
        }
        Both(CrashScenario.BankTransferAdmin, CrashPoint.SignalStep);
        cases.Add(new CrashCase(CrashScenario.CardCarrierDown, new CrashPoint(CheckoutActivities.CreateShipment, CrashMoment.Before)));
        foreach (var step in new[] { CheckoutActivities.CancelOrder, CheckoutActivities.ReleaseStock, CheckoutActivities.ReleasePromotions })
            Both(CrashScenario.CardCarrierDown, step);
        return cases;
    }
}
