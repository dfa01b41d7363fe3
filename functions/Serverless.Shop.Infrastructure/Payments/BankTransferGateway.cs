using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Infrastructure.Payments;

/// <summary>The shop's bank account and how the bank's webhook is signed (settings <c>Payments:BankTransfer:*</c>).</summary>
public sealed record BankTransferOptions(string Iban, string Bic, string Beneficiary, double DaysToPay, string WebhookSecret)
{
    public const double DefaultDaysToPay = 7;

    // A record prints its properties; the secret must not end up in a log that way.
    public override string ToString() => $"BankTransferOptions {{ Iban = {Iban}, Bic = {Bic}, Beneficiary = {Beneficiary}, DaysToPay = {DaysToPay} }}";
}

/// <summary>
/// Payment by bank transfer. Nothing is called: the customer gets the shop's account, an amount, a reference and a date
/// to pay by, and the order waits until the bank's webhook (<see cref="BankWebhookReader"/>) or an admin says the
/// money arrived. The payment id is the reference, because that is what the bank statement will show.
/// </summary>
public sealed class BankTransferGateway(BankTransferOptions options, TimeProvider time, ILogger<BankTransferGateway> logger) : IPaymentGateway
{
    public const string ProviderName = "bank-transfer";

    /// <summary>The prefix of a <see cref="RefundResult.RefundId"/>: an instruction for a person, not money sent.</summary>
    public const string ManualRefundPrefix = "manual-";

    public string Provider => ProviderName;
    public PaymentMethod Method => PaymentMethod.BankTransfer;

    public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken ct)
    {
        if (request.Method != PaymentMethod.BankTransfer)
            throw new ArgumentException($"The bank transfer gateway cannot take a {request.Method} payment.", nameof(request));
        if (request.Amount.Amount <= 0) throw new ArgumentException("A transfer must be for more than zero.", nameof(request));

        var reference = BankTransferReference.For(request.OrderId);
        var payBy = time.GetUtcNow().AddDays(options.DaysToPay);
        var instructions = new BankTransferInstructions(options.Iban, options.Bic, options.Beneficiary, reference, request.Amount, payBy);
        return Task.FromResult(new PaymentResult(
            PaymentOutcome.AwaitingTransfer, Provider, reference,
            Message: $"Transfer {request.Amount} to {options.Beneficiary}, IBAN {options.Iban}, with reference {reference} by {payBy:yyyy-MM-dd}.",
            Transfer: instructions));
    }

    /// <summary>
    /// Banks offer no refund call: a person pays the money back from the shop's account. The result is that instruction,
    /// recorded with an id starting <see cref="ManualRefundPrefix"/> (the same for the same idempotency key); no money has moved yet.
    /// For a transfer that never arrived there is nothing to give back; cancelling the order is enough.
    /// </summary>
    public Task<RefundResult> RefundAsync(string paymentId, Domain.Common.Money amount, string idempotencyKey, CancellationToken ct)
    {
        var refundId = ManualRefundPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..20];
        logger.LogWarning("Refund {RefundId}: {Amount} for the transfer with reference {Reference} must be paid back by bank, by hand.",
            refundId, amount, paymentId);
        return Task.FromResult(new RefundResult(refundId, amount, NeedsPerson: true));
    }
}
