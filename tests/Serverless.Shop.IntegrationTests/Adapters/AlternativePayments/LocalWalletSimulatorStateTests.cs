using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

/// <summary>
/// The local wallet with a state file, as the local host runs it: a restarted host (a new simulator on the same file)
/// still knows the sessions, so a payment waiting for approval can be approved and its key answers the same session.
/// </summary>
public sealed class LocalWalletSimulatorStateTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wallet-state-" + Guid.NewGuid().ToString("N"));

    private LocalWalletSimulator Wallet() => new(
        new LocalWalletOptions("wallet-webhook-secret-for-tests", new Uri("http://localhost:7071"), Path.Combine(_folder, "sessions.json")),
        TimeProvider.System, NullLogger<LocalWalletSimulator>.Instance);

    private static PaymentRequest Request(string key = "charge-key-1") => new(
        "ord_state", new Money(12.50m, "EUR"), PaymentMethod.EWallet, null, "https://shop.example/done", "ada@example.com", key);

    [Fact]
    public async Task A_session_opened_before_a_restart_is_approved_after_it_and_its_key_opens_no_second_one()
    {
        var first = await Wallet().ChargeAsync(Request(), CancellationToken.None);

        var restarted = Wallet();
        var again = await restarted.ChargeAsync(Request(), CancellationToken.None);
        restarted.Approve(first.PaymentId!);

        again.PaymentId.ShouldBe(first.PaymentId);
        var session = Wallet().Sessions.ShouldHaveSingleItem();
        session.Id.ShouldBe(first.PaymentId);
        session.State.ShouldBe(WalletSessionState.Approved);
    }

    [Fact]
    public async Task A_refund_made_before_a_restart_is_not_made_twice_after_it()
    {
        var wallet = Wallet();
        var charged = await wallet.ChargeAsync(Request(), CancellationToken.None);
        wallet.Approve(charged.PaymentId!);
        var refund = await wallet.RefundAsync(charged.PaymentId!, new Money(12.50m, "EUR"), "refund-1", CancellationToken.None);

        var replayed = await Wallet().RefundAsync(charged.PaymentId!, new Money(12.50m, "EUR"), "refund-1", CancellationToken.None);

        replayed.RefundId.ShouldBe(refund.RefundId);
        Wallet().Sessions.ShouldHaveSingleItem().Refunded.ShouldBe(new Money(12.50m, "EUR"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
