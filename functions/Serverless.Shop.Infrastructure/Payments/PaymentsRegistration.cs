using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Payments;

public static class PaymentsRegistration
{
    /// <summary>
    /// The card gateway chosen by <c>Payments:Card:Provider</c> (<c>stripe</c> or <c>local-card-simulator</c>) with its
    /// webhook reader, the webhook inbox, and <see cref="PaymentGateways"/> over every <see cref="IPaymentGateway"/> and
    /// <see cref="IPaymentWebhookReader"/> registered (other methods' gateways register themselves the same way).
    /// Settings are read and checked now, so a missing one stops the app at startup with its name (docs/configuration.md).
    /// </summary>
    public static IServiceCollection AddShopPayments(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = PaymentSettings.Read(configuration);
        services.TryAddSingleton(TimeProvider.System);

        switch (settings.CardProvider)
        {
            case StripeCardGateway.ProviderName:
                var stripe = settings.Stripe!;
                services.AddSingleton(sp => new StripeCardGateway(
                    StripeCardGateway.CreateClient(stripe.SecretKey, stripe.ApiBase),
                    ThirdPartyResilience.Create(StripeCardGateway.ServiceName, ThirdPartyResilienceOptions.Default,
                        sp.GetRequiredService<ILogger<StripeCardGateway>>(), sp.GetRequiredService<TimeProvider>()),
                    sp.GetRequiredService<ILogger<StripeCardGateway>>()));
                services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<StripeCardGateway>());
                services.AddSingleton<IPaymentSearch>(sp => sp.GetRequiredService<StripeCardGateway>());
                services.AddSingleton<IPaymentWebhookReader>(sp =>
                    new StripeWebhookReader(StripeCardGateway.ProviderName, stripe.WebhookSecret, sp.GetRequiredService<TimeProvider>()));
                break;

            case LocalCardPaymentSimulator.ProviderName:
                var simulator = settings.Simulator!;
                services.AddSingleton(sp => new LocalCardPaymentSimulator(
                    new LocalCardSimulatorOptions(simulator.WebhookSecret, simulator.StateFile, () => simulator.PageBaseUrl ?? LocalHostAddress(sp)),
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalCardPaymentSimulator>>()));
                services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<LocalCardPaymentSimulator>());
                services.AddSingleton<IPaymentSearch>(sp => sp.GetRequiredService<LocalCardPaymentSimulator>());
                services.AddSingleton<IPaymentWebhookReader>(sp =>
                    new StripeWebhookReader(LocalCardPaymentSimulator.ProviderName, simulator.WebhookSecret, sp.GetRequiredService<TimeProvider>()));
                break;
        }

        services.AddSingleton<IWebhookInbox>(sp => new CosmosWebhookInbox(
            sp.GetRequiredService<ShopContainers>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CosmosWebhookInbox>>()));
        services.AddSingleton(sp => new PaymentGateways(
            sp.GetServices<IPaymentGateway>(), sp.GetServices<IPaymentWebhookReader>(), settings.ConfiguredProviders));
        return services;
    }

    /// <summary>Where this process listens (the local host picks a free port when 7071 is taken, and tests use any port).</summary>
    private static Uri LocalHostAddress(IServiceProvider services)
    {
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return new Uri((address ?? "http://localhost:7071").Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/') + "/");
    }
}

/// <param name="ApiBase">Another API host (a test double); Stripe's own when null.</param>
public sealed record StripeSettings(string SecretKey, string WebhookSecret, string? ApiBase)
{
    // A record prints its properties; the keys must not end up in a log that way.
    public override string ToString() => $"StripeSettings {{ ApiBase = {ApiBase ?? "Stripe's"} }}";
}

public sealed record CardSimulatorSettings(string WebhookSecret, string? StateFile, Uri? PageBaseUrl);

/// <summary>The settings of <see cref="PaymentsRegistration.AddShopPayments"/>, read and checked in one go.</summary>
public sealed record PaymentSettings(
    string? CardProvider, StripeSettings? Stripe, CardSimulatorSettings? Simulator, IReadOnlyDictionary<PaymentMethod, string> ConfiguredProviders)
{
    public static readonly IReadOnlyList<string> CardProviders = [StripeCardGateway.ProviderName, LocalCardPaymentSimulator.ProviderName];

    /// <exception cref="InvalidOperationException">Listing every missing or malformed setting at once.</exception>
    public static PaymentSettings Read(IConfiguration configuration)
    {
        var problems = new List<string>();
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        var configured = new Dictionary<PaymentMethod, string>();
        foreach (var method in Enum.GetValues<PaymentMethod>())
            if (Value(PaymentGateways.ConfigurationKey(method)) is { } provider) configured[method] = provider;

        var cardProvider = configured.GetValueOrDefault(PaymentMethod.Card)?.ToLowerInvariant();
        if (cardProvider is not null && !CardProviders.Contains(cardProvider))
            problems.Add($"Payments:Card:Provider must be {string.Join(" or ", CardProviders)}, not '{cardProvider}'.");
        if (cardProvider is not null) configured[PaymentMethod.Card] = cardProvider;

        StripeSettings? stripe = null;
        if (cardProvider == StripeCardGateway.ProviderName)
        {
            // The secrets themselves are never repeated in a message.
            var secretKey = Value("Payments:Stripe:SecretKey");
            if (secretKey is null) problems.Add("Payments:Stripe:SecretKey is required when Payments:Card:Provider is stripe (in Azure, a Key Vault reference to stripe-secret-key).");
            var webhookSecret = Value("Payments:Stripe:WebhookSecret");
            if (webhookSecret is null) problems.Add("Payments:Stripe:WebhookSecret is required when Payments:Card:Provider is stripe: the whsec_... signing secret of the webhook endpoint (a Key Vault reference to stripe-webhook-secret).");
            var apiBase = AbsoluteUri(Value("Payments:Stripe:ApiBase"), "Payments:Stripe:ApiBase", problems);
            if (secretKey is not null && webhookSecret is not null) stripe = new StripeSettings(secretKey, webhookSecret, apiBase?.ToString());
        }

        CardSimulatorSettings? simulator = null;
        if (cardProvider == LocalCardPaymentSimulator.ProviderName)
        {
            var stateFile = Value("Payments:CardSimulator:StateFile");
            var pageBaseUrl = Value("Payments:CardSimulator:PageBaseUrl");
            simulator = new CardSimulatorSettings(
                Value("Payments:CardSimulator:WebhookSecret") ?? LocalCardSimulatorOptions.DefaultWebhookSecret,
                stateFile is null ? null : Path.GetFullPath(stateFile),
                // With a trailing slash, so the page's path is added to the base rather than replacing its last segment.
                AbsoluteUri(pageBaseUrl is null ? null : pageBaseUrl.TrimEnd('/') + "/", "Payments:CardSimulator:PageBaseUrl", problems));
        }

        if (problems.Count > 0)
            throw new InvalidOperationException("Payments are not configured (see docs/configuration.md):" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));
        return new PaymentSettings(cardProvider, stripe, simulator, configured);
    }

    private static Uri? AbsoluteUri(string? value, string key, List<string> problems)
    {
        if (value is null) return null;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)) return uri;
        problems.Add($"{key} is not an absolute http(s) URL: '{value}'.");
        return null;
    }
}
