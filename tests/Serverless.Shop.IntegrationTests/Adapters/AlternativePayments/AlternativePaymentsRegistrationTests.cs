using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

using Serverless.Shop.Infrastructure.Common;

using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

public sealed class AlternativePaymentsRegistrationTests
{
    private static readonly Dictionary<string, string?> Local = new() { ["Payments:LocalSimulators"] = "true" };

    private static readonly Dictionary<string, string?> Azure = new()
    {
        ["Payments:BankTransfer:Iban"] = "DE89 3704 0044 0532 0130 00",
        ["Payments:BankTransfer:Bic"] = "COBADEFFXXX",
        ["Payments:BankTransfer:Beneficiary"] = "Serverless Shop GmbH",
        ["Payments:BankTransfer:WebhookSecret"] = "a-long-bank-webhook-secret",
        ["Payments:BankTransfer:DaysToPay"] = "10",
        ["Payments:PayPal:ClientId"] = "client-id",
        ["Payments:PayPal:ClientSecret"] = "client-secret-value",
        ["Payments:PayPal:WebhookId"] = "WH-1",
    };

    [Fact]
    public void Offers_neither_method_when_nothing_is_configured()
    {
        using var services = Build([]);

        services.GetServices<IPaymentGateway>().ShouldBeEmpty();
        services.GetServices<IPaymentWebhookReader>().ShouldBeEmpty();
    }

    [Fact]
    public void Offers_bank_transfer_to_a_sample_account_and_the_local_wallet_when_run_locally()
    {
        using var services = Build(Local);

        services.GetServices<IPaymentGateway>().Select(g => (g.Provider, g.Method))
            .ShouldBe([("bank-transfer", PaymentMethod.BankTransfer), ("local-wallet", PaymentMethod.EWallet)], ignoreOrder: true);
        services.GetServices<IPaymentWebhookReader>().Select(r => r.Provider).ShouldBe(["bank-transfer", "local-wallet"], ignoreOrder: true);
        services.GetRequiredService<BankTransferOptions>().Iban.ShouldBe(AlternativePaymentsSettings.SampleIban);
        // The page and the gateway share the sessions.
        services.GetServices<IPaymentGateway>().OfType<LocalWalletSimulator>().Single().ShouldBeSameAs(services.GetRequiredService<LocalWalletSimulator>());
    }

    [Fact]
    public void Offers_bank_transfer_and_paypal_as_configured_in_azure()
    {
        using var services = Build(Azure);

        services.GetServices<IPaymentGateway>().Select(g => g.Provider).ShouldBe(["bank-transfer", "paypal"], ignoreOrder: true);
        services.GetServices<IPaymentWebhookReader>().Select(r => r.Provider).ShouldBe(["bank-transfer", "paypal"], ignoreOrder: true);
        var bank = services.GetRequiredService<BankTransferOptions>();
        bank.Iban.ShouldBe("DE89370400440532013000");
        bank.DaysToPay.ShouldBe(10);
    }

    [Fact]
    public void Prefers_paypal_to_the_local_wallet_when_a_developer_configures_it()
    {
        using var services = Build(new Dictionary<string, string?>(Local)
        {
            ["Payments:PayPal:ClientId"] = "client-id",
            ["Payments:PayPal:ClientSecret"] = "client-secret-value",
            ["Payments:PayPal:WebhookId"] = "WH-1",
        });

        services.GetServices<IPaymentGateway>().Where(g => g.Method == PaymentMethod.EWallet).ShouldHaveSingleItem().Provider.ShouldBe("paypal");
    }

    [Fact]
    public void Stops_at_startup_naming_every_missing_setting_without_repeating_secrets()
    {
        var error = Should.Throw<InvalidOperationException>(() => Build(new Dictionary<string, string?>
        {
            ["Payments:BankTransfer:Iban"] = "NL91ABNA0417164301",
            ["Payments:BankTransfer:Bic"] = "ABN",
            ["Payments:BankTransfer:DaysToPay"] = "0",
            ["Payments:PayPal:ClientId"] = "client-id",
            ["Payments:PayPal:ApiBase"] = "not a url",
            ["Payments:LocalSimulators"] = "yes",
        }));

        error.Message.ShouldContain("Payments:BankTransfer:Iban is not a valid IBAN");
        error.Message.ShouldContain("Payments:BankTransfer:Bic");
        error.Message.ShouldContain("Payments:BankTransfer:Beneficiary");
        error.Message.ShouldContain("Payments:BankTransfer:DaysToPay");
        error.Message.ShouldContain("Payments:PayPal:ApiBase");
        error.Message.ShouldContain("Payments:LocalSimulators");
    }

    [Fact]
    public void Gives_no_development_webhook_secret_outside_the_local_host()
    {
        var withoutSecret = new Dictionary<string, string?>(Azure);
        withoutSecret.Remove("Payments:BankTransfer:WebhookSecret");

        using var services = Build(withoutSecret);

        var required = services.GetRequiredService<RequiredSecrets>();
        required.Unresolved.ShouldHaveSingleItem().Key.ShouldBe("Payments:BankTransfer:WebhookSecret");
        Should.Throw<InvalidOperationException>(required.ThrowIfAnyUnresolved).Message.ShouldContain("Payments:BankTransfer:WebhookSecret: it is not set");
    }

    [Fact]
    public void PayPal_without_its_client_secret_and_webhook_id_has_both_unresolved_and_its_webhook_refused_with_503_before_paypal_is_asked()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Payments:PayPal:ClientId"] = "client-id",
            ["Payments:PayPal:ClientSecret"] = "@Microsoft.KeyVault(SecretUri=https://kv-shop.vault.azure.net/secrets/paypal-client-secret)",
            // Nothing listens here: a call to PayPal would fail otherwise than with NotConfiguredException.
            ["Payments:PayPal:ApiBase"] = "http://127.0.0.1:9/",
        });

        services.GetRequiredService<RequiredSecrets>().Unresolved.Select(s => (s.Key, s.State)).ShouldBe(
            [("Payments:PayPal:ClientSecret", SecretState.UnresolvedKeyVaultReference), ("Payments:PayPal:WebhookId", SecretState.Missing)], ignoreOrder: true);
        var reader = services.GetServices<IPaymentWebhookReader>().Single(r => r.Provider == "paypal");
        var headers = PayPalWebhookReader.TransmissionHeaders.ToDictionary(h => h.Header, _ => "value");
        Should.Throw<NotConfiguredException>(() => reader.ReadAsync(headers, "{\"id\":\"WH-1\"}", CancellationToken.None))
            .Message.ShouldContain("Payments:PayPal:WebhookId");
    }

    [Fact]
    public void Refuses_a_short_webhook_secret()
    {
        var shortSecret = new Dictionary<string, string?>(Azure) { ["Payments:BankTransfer:WebhookSecret"] = "short" };

        var error = Should.Throw<InvalidOperationException>(() => Build(shortSecret));

        error.Message.ShouldContain("at least 16 characters");
        error.Message.ShouldNotContain("short'");
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddShopAlternativePayments(configuration).BuildServiceProvider();
    }
}
