using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

public sealed class PaymentsRegistrationTests
{
    private const string SecretKey = "sk_test_51RegistrationNeverShown";
    private const string WebhookSecret = "whsec_registration_never_shown";

    [Fact]
    public void Stripe_serves_cards_and_reads_its_webhooks_when_configured()
    {
        using var services = Services(new()
        {
            ["Payments:Card:Provider"] = "stripe",
            ["Payments:Stripe:SecretKey"] = SecretKey,
            ["Payments:Stripe:WebhookSecret"] = WebhookSecret,
        });

        var gateways = services.GetRequiredService<PaymentGateways>();

        gateways.For(PaymentMethod.Card).ShouldBeOfType<StripeCardGateway>();
        gateways.WebhookReader("stripe").ShouldBeOfType<StripeWebhookReader>();
        Should.Throw<ResourceNotFoundException>(() => gateways.WebhookReader("local-card-simulator"));
    }

    [Fact]
    public void The_simulator_serves_cards_and_reads_its_own_webhooks_when_configured()
    {
        using var services = Services(new() { ["Payments:Card:Provider"] = "local-card-simulator" });

        var gateways = services.GetRequiredService<PaymentGateways>();

        gateways.For(PaymentMethod.Card).ShouldBeSameAs(services.GetRequiredService<LocalCardPaymentSimulator>());
        gateways.WebhookReader("local-card-simulator").Provider.ShouldBe("local-card-simulator");
        Should.Throw<ResourceNotFoundException>(() => gateways.ByProvider("stripe"));
    }

    [Fact]
    public void Without_a_card_provider_the_shop_starts_and_refuses_card_payments()
    {
        using var services = Services(new());

        var gateways = services.GetRequiredService<PaymentGateways>();

        gateways.Supports(PaymentMethod.Card).ShouldBeFalse();
        Should.Throw<BusinessRuleViolationException>(() => gateways.For(PaymentMethod.Card));
    }

    [Fact]
    public void Stripe_without_its_secrets_has_both_unresolved_and_the_startup_check_names_both()
    {
        var settings = PaymentSettings.Read(Configuration(new() { ["Payments:Card:Provider"] = "stripe" }));
        var required = new RequiredSecrets();
        foreach (var secret in settings.RequiredSecrets) required.Add(secret);

        required.Unresolved.Select(s => s.Key).ShouldBe(["Payments:Stripe:SecretKey", "Payments:Stripe:WebhookSecret"], ignoreOrder: true);
        var error = Should.Throw<InvalidOperationException>(required.ThrowIfAnyUnresolved);
        error.Message.ShouldContain("Payments:Stripe:SecretKey");
        error.Message.ShouldContain("Payments:Stripe:WebhookSecret");
    }

    [Fact]
    public void An_unknown_card_provider_or_a_bad_url_stops_the_app_at_startup()
    {
        var error = Should.Throw<InvalidOperationException>(() => PaymentSettings.Read(Configuration(new()
        {
            ["Payments:Card:Provider"] = "adyen",
        })));
        error.Message.ShouldContain("must be stripe or local-card-simulator, not 'adyen'");

        Should.Throw<InvalidOperationException>(() => PaymentSettings.Read(Configuration(new()
        {
            ["Payments:Card:Provider"] = "stripe",
            ["Payments:Stripe:SecretKey"] = SecretKey,
            ["Payments:Stripe:WebhookSecret"] = WebhookSecret,
            ["Payments:Stripe:ApiBase"] = "not a url",
        }))).Message.ShouldContain("Payments:Stripe:ApiBase");
    }

    [Fact]
    public void Settings_never_print_the_secrets()
    {
        var settings = PaymentSettings.Read(Configuration(new()
        {
            ["Payments:Card:Provider"] = "Stripe",
            ["Payments:Stripe:SecretKey"] = SecretKey,
            ["Payments:Stripe:WebhookSecret"] = WebhookSecret,
        }));

        settings.CardProvider.ShouldBe("stripe");
        settings.ToString().ShouldNotContain(SecretKey);
        settings.ToString().ShouldNotContain(WebhookSecret);
    }

    [Fact]
    public void The_simulators_page_address_can_be_set_and_a_relative_state_file_is_made_absolute()
    {
        var settings = PaymentSettings.Read(Configuration(new()
        {
            ["Payments:Card:Provider"] = "local-card-simulator",
            ["Payments:CardSimulator:PageBaseUrl"] = "https://tunnel.example/shop",
            ["Payments:CardSimulator:StateFile"] = "sim/payments.json",
        }));

        settings.Simulator!.PageBaseUrl.ShouldBe(new Uri("https://tunnel.example/shop/"));
        Path.IsPathRooted(settings.Simulator.StateFile!).ShouldBeTrue();
        // No development default outside the local host: unset, the simulator's webhook secret is unresolved.
        settings.Simulator.WebhookSecret.State.ShouldBe(SecretState.Missing);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddShopPayments(Configuration(settings));
        return services.BuildServiceProvider();
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
