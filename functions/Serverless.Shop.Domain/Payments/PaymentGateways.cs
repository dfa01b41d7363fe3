using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Payments;

/// <summary>
/// The payment gateways and webhook readers the shop runs with, by method and by provider name. Checkout asks
/// <see cref="For"/> which gateway takes a payment; refunds and webhooks find theirs by the provider stored on the order
/// or named in the webhook's route (<see cref="ByProvider"/>, <see cref="WebhookReader"/>).
/// </summary>
/// <remarks>
/// A method is served by the provider configured for it (<c>Payments:&lt;Method&gt;:Provider</c>, e.g.
/// <c>Payments:Card:Provider</c> = <c>stripe</c>); when none is configured, by the only registered gateway for it.
/// Every inconsistency (two gateways with one name, a configured provider that is not registered or serves another
/// method, several candidates and no choice) is found here, at startup, not at the first checkout.
/// </remarks>
public sealed class PaymentGateways
{
    private readonly Dictionary<string, IPaymentGateway> _byProvider;
    private readonly Dictionary<string, IPaymentWebhookReader> _readers;
    private readonly Dictionary<PaymentMethod, IPaymentGateway> _byMethod = [];

    public PaymentGateways(
        IEnumerable<IPaymentGateway> gateways,
        IEnumerable<IPaymentWebhookReader> webhookReaders,
        IReadOnlyDictionary<PaymentMethod, string>? configuredProviders = null)
    {
        var all = gateways.ToList();
        _byProvider = UniqueByProvider(all, g => g.Provider, "payment gateways");
        _readers = UniqueByProvider(webhookReaders, r => r.Provider, "payment webhook readers");

        foreach (var method in Enum.GetValues<PaymentMethod>())
        {
            if (configuredProviders is not null && configuredProviders.TryGetValue(method, out var provider))
            {
                if (!_byProvider.TryGetValue(provider, out var configured))
                    throw new InvalidOperationException(
                        $"{ConfigurationKey(method)} is '{provider}', but no gateway of that name is registered (registered: {Names(all)}).");
                if (configured.Method != method)
                    throw new InvalidOperationException(
                        $"{ConfigurationKey(method)} is '{provider}', but that gateway takes {Describe(configured.Method)} payments, not {Describe(method)}.");
                _byMethod[method] = configured;
                continue;
            }

            var candidates = all.Where(g => g.Method == method).ToList();
            if (candidates.Count == 1) _byMethod[method] = candidates[0];
            else if (candidates.Count > 1)
                throw new InvalidOperationException(
                    $"Several gateways take {Describe(method)} payments ({Names(candidates)}): set {ConfigurationKey(method)} to the one to use.");
        }
    }

    /// <summary>The methods a shopper can pay with, for the storefront and for validating a checkout.</summary>
    public IReadOnlyCollection<PaymentMethod> AvailableMethods => _byMethod.Keys;

    public bool Supports(PaymentMethod method) => _byMethod.ContainsKey(method);

    /// <summary>The gateway that takes payments by <paramref name="method"/>.</summary>
    /// <exception cref="BusinessRuleViolationException">No gateway takes this method in this shop (field <c>paymentMethod</c>).</exception>
    public IPaymentGateway For(PaymentMethod method) =>
        _byMethod.TryGetValue(method, out var gateway)
            ? gateway
            : throw new BusinessRuleViolationException($"Payment by {Describe(method)} is not available in this shop.", "paymentMethod");

    /// <summary>The gateway named <paramref name="provider"/> (as stored on an order), whichever method it serves.</summary>
    /// <exception cref="ResourceNotFoundException">No gateway has this name.</exception>
    public IPaymentGateway ByProvider(string provider) =>
        _byProvider.TryGetValue(provider, out var gateway) ? gateway : throw new ResourceNotFoundException("Payment provider", provider);

    /// <summary>The reader for webhooks posted to <c>/api/webhooks/payments/{provider}</c>.</summary>
    /// <exception cref="ResourceNotFoundException">No provider of this name sends webhooks here (404: a provider's misconfigured endpoint stops retrying).</exception>
    public IPaymentWebhookReader WebhookReader(string provider) =>
        _readers.TryGetValue(provider, out var reader) ? reader : throw new ResourceNotFoundException("Payment provider", provider);

    public static string ConfigurationKey(PaymentMethod method) => $"Payments:{method}:Provider";

    private static Dictionary<string, T> UniqueByProvider<T>(IEnumerable<T> items, Func<T, string> provider, string what)
    {
        var byName = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            var name = provider(item);
            if (string.IsNullOrWhiteSpace(name)) throw new InvalidOperationException($"One of the {what} ({item!.GetType().Name}) has no provider name.");
            if (!byName.TryAdd(name, item))
                throw new InvalidOperationException($"Two {what} are named '{name}' ({byName[name]!.GetType().Name} and {item!.GetType().Name}).");
        }
        return byName;
    }

    private static string Names(IEnumerable<IPaymentGateway> gateways)
    {
        var names = gateways.Select(g => g.Provider).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static string Describe(PaymentMethod method) => method switch
    {
        PaymentMethod.Card => "card",
        PaymentMethod.BankTransfer => "bank transfer",
        PaymentMethod.EWallet => "e-wallet",
        _ => method.ToString(),
    };
}
