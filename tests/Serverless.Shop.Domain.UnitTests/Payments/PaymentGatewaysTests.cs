using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Domain.UnitTests.Payments;

public sealed class PaymentGatewaysTests
{
    private static readonly FakeGateway Stripe = new("stripe", PaymentMethod.Card);
    private static readonly FakeGateway CardSimulator = new("local-card-simulator", PaymentMethod.Card);
    private static readonly FakeGateway Bank = new("bank-transfer", PaymentMethod.BankTransfer);
    private static readonly FakeReader StripeWebhooks = new("stripe");

    [Fact]
    public void A_method_with_one_gateway_is_served_by_it_without_configuration()
    {
        var gateways = new PaymentGateways([Stripe, Bank], []);

        gateways.For(PaymentMethod.Card).ShouldBeSameAs(Stripe);
        gateways.For(PaymentMethod.BankTransfer).ShouldBeSameAs(Bank);
    }

    [Fact]
    public void The_configured_provider_serves_its_method_when_several_could()
    {
        var gateways = new PaymentGateways([Stripe, CardSimulator], [], new Dictionary<PaymentMethod, string> { [PaymentMethod.Card] = "local-card-simulator" });

        gateways.For(PaymentMethod.Card).ShouldBeSameAs(CardSimulator);
    }

    [Fact]
    public void Several_gateways_for_one_method_and_no_choice_are_refused_with_the_setting_to_fix()
    {
        var error = Should.Throw<InvalidOperationException>(() => new PaymentGateways([Stripe, CardSimulator], []));

        error.Message.ShouldContain("Payments:Card:Provider");
        error.Message.ShouldContain("local-card-simulator, stripe");
    }

    [Fact]
    public void A_configured_provider_that_is_not_registered_is_refused_naming_the_registered_ones()
    {
        var error = Should.Throw<InvalidOperationException>(() =>
            new PaymentGateways([Stripe], [], new Dictionary<PaymentMethod, string> { [PaymentMethod.Card] = "adyen" }));

        error.Message.ShouldContain("'adyen'");
        error.Message.ShouldContain("registered: stripe");
    }

    [Fact]
    public void A_configured_provider_for_another_method_is_refused()
    {
        var error = Should.Throw<InvalidOperationException>(() =>
            new PaymentGateways([Stripe, Bank], [], new Dictionary<PaymentMethod, string> { [PaymentMethod.Card] = "bank-transfer" }));

        error.Message.ShouldContain("takes bank transfer payments, not card");
    }

    [Fact]
    public void Two_gateways_with_one_provider_name_are_refused()
    {
        var error = Should.Throw<InvalidOperationException>(() => new PaymentGateways([Stripe, new FakeGateway("STRIPE", PaymentMethod.EWallet)], []));

        error.Message.ShouldContain("Two payment gateways are named 'STRIPE'");
    }

    [Fact]
    public void Two_webhook_readers_with_one_provider_name_are_refused()
    {
        Should.Throw<InvalidOperationException>(() => new PaymentGateways([Stripe], [StripeWebhooks, new FakeReader("stripe")]))
            .Message.ShouldContain("webhook readers");
    }

    [Fact]
    public void A_method_no_gateway_takes_is_a_business_rule_on_the_payment_method_field()
    {
        var gateways = new PaymentGateways([Stripe], []);

        var error = Should.Throw<BusinessRuleViolationException>(() => gateways.For(PaymentMethod.EWallet));

        error.Field.ShouldBe("paymentMethod");
        error.Message.ShouldBe("Payment by e-wallet is not available in this shop.");
        gateways.Supports(PaymentMethod.EWallet).ShouldBeFalse();
        gateways.AvailableMethods.ShouldBe([PaymentMethod.Card]);
    }

    [Fact]
    public void Gateways_are_found_by_provider_name_whatever_method_they_serve()
    {
        var gateways = new PaymentGateways([Stripe, Bank], []);

        gateways.ByProvider("bank-transfer").ShouldBeSameAs(Bank);
        gateways.ByProvider("stripe").ShouldBeSameAs(Stripe);
    }

    [Fact]
    public void An_unknown_provider_is_not_found()
    {
        var gateways = new PaymentGateways([Stripe], [StripeWebhooks]);

        Should.Throw<ResourceNotFoundException>(() => gateways.ByProvider("paypal")).Message.ShouldBe("There is no payment provider 'paypal'.");
        Should.Throw<ResourceNotFoundException>(() => gateways.WebhookReader("paypal")).Message.ShouldBe("There is no payment provider 'paypal'.");
    }

    [Fact]
    public void Webhook_readers_are_found_by_the_provider_in_the_route()
    {
        var gateways = new PaymentGateways([Stripe], [StripeWebhooks]);

        gateways.WebhookReader("stripe").ShouldBeSameAs(StripeWebhooks);
    }

    [Fact]
    public void No_gateways_at_all_is_a_shop_that_takes_no_payments_rather_than_an_error()
    {
        var gateways = new PaymentGateways([], []);

        gateways.AvailableMethods.ShouldBeEmpty();
        Should.Throw<BusinessRuleViolationException>(() => gateways.For(PaymentMethod.Card));
    }

    private sealed class FakeGateway(string provider, PaymentMethod method) : IPaymentGateway
    {
        public string Provider => provider;
        public PaymentMethod Method => method;
        public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken ct) => throw new NotSupportedException();
        public Task<RefundResult> RefundAsync(string paymentId, Money amount, string idempotencyKey, CancellationToken ct) => throw new NotSupportedException();
    }

    private sealed class FakeReader(string provider) : IPaymentWebhookReader
    {
        public string Provider => provider;
        public Task<PaymentEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct) => throw new NotSupportedException();
    }
}
