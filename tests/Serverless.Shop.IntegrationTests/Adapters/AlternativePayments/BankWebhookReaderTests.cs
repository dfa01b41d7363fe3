using Serverless.Shop.Infrastructure.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

public sealed class BankWebhookReaderTests
{
    private const string Secret = "bank-webhook-secret-for-tests";
    private const string OrderId = "ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4";
    private static readonly BankTransferOptions Account = new("NL91ABNA0417164300", "ABNANL2A", "Serverless Shop B.V.", 7, Secret);
    private readonly TestClock _clock = new();

    [Fact]
    public async Task Reads_a_signed_transfer_as_transfer_received_for_the_order_its_reference_names()
    {
        var body = Transfer(BankTransferReference.For(OrderId));

        var payment = await Reader().ReadAsync(Signed(body), body, CancellationToken.None);

        payment.ShouldNotBeNull();
        payment.EventId.ShouldBe("evt_bank_1");
        payment.Provider.ShouldBe("bank-transfer");
        payment.Type.ShouldBe(PaymentEventType.TransferReceived);
        payment.OrderId.ShouldBe(OrderId);
        payment.PaymentId.ShouldBe(BankTransferReference.For(OrderId));
        payment.Amount.ShouldBe(new Money(49.90m, "EUR"));
        payment.OccurredAt.ShouldBe(new DateTimeOffset(2025, 3, 14, 9, 12, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Finds_the_order_when_the_bank_wrote_the_reference_in_lower_case_with_spaces()
    {
        var reference = BankTransferReference.For(OrderId);
        var body = Transfer(string.Join(' ', reference.ToLowerInvariant().Chunk(4).Select(c => new string(c))));

        var payment = await Reader().ReadAsync(Signed(body), body, CancellationToken.None);

        payment!.OrderId.ShouldBe(OrderId);
        payment.PaymentId.ShouldBe(reference);
    }

    [Fact]
    public async Task Accepts_an_amount_sent_as_a_string()
    {
        var body = Transfer(BankTransferReference.For(OrderId), amount: "\"49.90\"");

        var payment = await Reader().ReadAsync(Signed(body), body, CancellationToken.None);

        payment!.Amount.ShouldBe(new Money(49.90m, "EUR"));
    }

    [Fact]
    public async Task Accepts_the_header_in_any_case_and_a_second_signature_while_secrets_rotate()
    {
        var body = Transfer(BankTransferReference.For(OrderId));
        var old = HmacWebhookSignature.Sign(body, "the-previous-secret-value", _clock.Now);
        var current = HmacWebhookSignature.Sign(body, Secret, _clock.Now);
        var header = $"{old},v1={current.Split("v1=")[1]}";

        var payment = await Reader().ReadAsync(new Dictionary<string, string> { ["x-bank-signature"] = header }, body, CancellationToken.None);

        payment.ShouldNotBeNull();
    }

    [Fact]
    public async Task Refuses_a_body_signed_with_another_secret()
    {
        var body = Transfer(BankTransferReference.For(OrderId));

        var error = await Should.ThrowAsync<WebhookSignatureException>(() =>
            Reader().ReadAsync(Header(HmacWebhookSignature.Sign(body, "someone-elses-secret", _clock.Now)), body, CancellationToken.None));

        error.Message.ShouldContain("does not match");
    }

    [Fact]
    public async Task Refuses_a_body_changed_after_it_was_signed()
    {
        var signedBody = Transfer(BankTransferReference.For(OrderId));
        var tampered = signedBody.Replace("49.90", "4990.00", StringComparison.Ordinal);

        await Should.ThrowAsync<WebhookSignatureException>(() => Reader().ReadAsync(Signed(signedBody), tampered, CancellationToken.None));
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task Refuses_a_signature_more_than_five_minutes_from_now(int minutes)
    {
        var body = Transfer(BankTransferReference.For(OrderId));
        var header = Header(HmacWebhookSignature.Sign(body, Secret, _clock.Now.AddMinutes(minutes)));

        var error = await Should.ThrowAsync<WebhookSignatureException>(() => Reader().ReadAsync(header, body, CancellationToken.None));

        error.Message.ShouldContain("5 minutes");
    }

    [Fact]
    public async Task Accepts_a_signature_made_four_minutes_ago()
    {
        var body = Transfer(BankTransferReference.For(OrderId));
        var header = Header(HmacWebhookSignature.Sign(body, Secret, _clock.Now.AddMinutes(-4)));

        (await Reader().ReadAsync(header, body, CancellationToken.None)).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("v1=00")]
    [InlineData("t=1741944600")]
    [InlineData("t=1741944600,v1=not-hex")]
    [InlineData("t=99999999999999999999,v1=00")]
    [InlineData("t=-5,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Refuses_a_malformed_signature_header(string header)
    {
        var body = Transfer(BankTransferReference.For(OrderId));

        await Should.ThrowAsync<WebhookSignatureException>(() => Reader().ReadAsync(Header(header), body, CancellationToken.None));
    }

    [Fact]
    public async Task Refuses_a_webhook_without_the_signature_header()
    {
        var body = Transfer(BankTransferReference.For(OrderId));

        var error = await Should.ThrowAsync<WebhookSignatureException>(() =>
            Reader().ReadAsync(new Dictionary<string, string> { ["X-Other"] = "1" }, body, CancellationToken.None));

        error.Message.ShouldContain("X-Bank-Signature");
    }

    [Fact]
    public async Task Ignores_other_event_types()
    {
        var body = Transfer(BankTransferReference.For(OrderId)).Replace("transfer.received", "transfer.returned", StringComparison.Ordinal);

        (await Reader().ReadAsync(Signed(body), body, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Acknowledges_without_an_event_a_transfer_whose_reference_names_no_order()
    {
        var body = Transfer("INVOICE 2025 17");

        (await Reader().ReadAsync(Signed(body), body, CancellationToken.None)).ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"type":"transfer.received","reference":"R","amount":1,"currency":"EUR","occurredAt":"2025-03-14T09:12:00Z"}""", "id")]
    [InlineData("""{"id":"e","type":"transfer.received","amount":1,"currency":"EUR","occurredAt":"2025-03-14T09:12:00Z"}""", "reference")]
    [InlineData("""{"id":"e","type":"transfer.received","reference":"R","currency":"EUR","occurredAt":"2025-03-14T09:12:00Z"}""", "amount")]
    [InlineData("""{"id":"e","type":"transfer.received","reference":"R","amount":-1,"currency":"EUR","occurredAt":"2025-03-14T09:12:00Z"}""", "amount")]
    [InlineData("""{"id":"e","type":"transfer.received","reference":"R","amount":1.001,"currency":"EUR","occurredAt":"2025-03-14T09:12:00Z"}""", "amount")]
    [InlineData("""{"id":"e","type":"transfer.received","reference":"R","amount":1,"currency":"XXX","occurredAt":"2025-03-14T09:12:00Z"}""", "currency")]
    [InlineData("""{"id":"e","type":"transfer.received","reference":"R","amount":1,"currency":"EUR","occurredAt":"yesterday"}""", "occurredAt")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""{"id":""", "body")]
    public async Task Answers_a_signed_but_malformed_body_with_the_field_at_fault(string body, string field)
    {
        var error = await Should.ThrowAsync<ValidationFailedException>(() => Reader().ReadAsync(Signed(body), body, CancellationToken.None));

        error.Errors.Keys.ShouldBe([field]);
    }

    private BankWebhookReader Reader() => new(Account, _clock, NullLogger<BankWebhookReader>.Instance);

    private Dictionary<string, string> Signed(string body) => Header(HmacWebhookSignature.Sign(body, Secret, _clock.Now));

    private static Dictionary<string, string> Header(string value) => new() { [BankWebhookReader.SignatureHeader] = value };

    private static string Transfer(string reference, string amount = "49.90") =>
        $$"""{"id":"evt_bank_1","type":"transfer.received","reference":"{{reference}}","amount":{{amount}},"currency":"EUR","occurredAt":"2025-03-14T09:12:00Z"}""";
}
