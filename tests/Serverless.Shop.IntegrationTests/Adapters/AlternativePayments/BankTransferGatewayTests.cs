using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

public sealed class BankTransferGatewayTests
{
    private const string OrderId = "ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4";
    private static readonly BankTransferOptions Account = new("NL91ABNA0417164300", "ABNANL2A", "Serverless Shop B.V.", 7, "bank-webhook-secret-for-tests");
    private readonly TestClock _clock = new();

    [Fact]
    public async Task Answers_awaiting_transfer_with_the_shops_account_the_amount_a_reference_and_a_date_to_pay_by()
    {
        var result = await Gateway().ChargeAsync(Request(), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.AwaitingTransfer);
        result.Provider.ShouldBe("bank-transfer");
        var transfer = result.Transfer.ShouldNotBeNull();
        transfer.Iban.ShouldBe("NL91ABNA0417164300");
        transfer.Bic.ShouldBe("ABNANL2A");
        transfer.Beneficiary.ShouldBe("Serverless Shop B.V.");
        transfer.Amount.ShouldBe(new Money(49.90m, "EUR"));
        transfer.Reference.ShouldBe(BankTransferReference.For(OrderId));
        transfer.PayBy.ShouldBe(TestClock.Start.AddDays(7));
        result.PaymentId.ShouldBe(transfer.Reference);
        result.RedirectUrl.ShouldBeNull();
    }

    [Fact]
    public async Task Gives_the_configured_number_of_days_to_pay()
    {
        var result = await Gateway(Account with { DaysToPay = 3 }).ChargeAsync(Request(), CancellationToken.None);

        result.Transfer!.PayBy.ShouldBe(TestClock.Start.AddDays(3));
    }

    [Fact]
    public async Task Gives_a_reference_that_leads_back_to_the_order()
    {
        var result = await Gateway().ChargeAsync(Request(), CancellationToken.None);

        BankTransferReference.TryParse(result.Transfer!.Reference, out var orderId).ShouldBeTrue();
        orderId.ShouldBe(OrderId);
    }

    [Fact]
    public async Task Refuses_a_card_payment()
    {
        await Should.ThrowAsync<ArgumentException>(() => Gateway().ChargeAsync(Request() with { Method = PaymentMethod.Card }, CancellationToken.None));
    }

    [Fact]
    public async Task Records_a_refund_as_a_manual_instruction_with_the_same_id_for_the_same_key()
    {
        var gateway = Gateway();
        var reference = BankTransferReference.For(OrderId);

        var first = await gateway.RefundAsync(reference, new Money(10m, "EUR"), "refund-1", CancellationToken.None);
        var retried = await gateway.RefundAsync(reference, new Money(10m, "EUR"), "refund-1", CancellationToken.None);
        var another = await gateway.RefundAsync(reference, new Money(5m, "EUR"), "refund-2", CancellationToken.None);

        first.RefundId.ShouldStartWith("manual-");
        first.Amount.ShouldBe(new Money(10m, "EUR"));
        retried.RefundId.ShouldBe(first.RefundId);
        another.RefundId.ShouldNotBe(first.RefundId);
    }

    private BankTransferGateway Gateway(BankTransferOptions? options = null) =>
        new(options ?? Account, _clock, NullLogger<BankTransferGateway>.Instance);

    private static PaymentRequest Request() =>
        new(OrderId, new Money(49.90m, "EUR"), PaymentMethod.BankTransfer, null, null, "ada@example.com", "charge-1");
}
