using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Payments;

public static class AlternativePaymentsRegistration
{
    /// <summary>
    /// The payment methods other than cards, each registered as an <see cref="IPaymentGateway"/> and an
    /// <see cref="IPaymentWebhookReader"/> when configured (docs/configuration.md, "Bank transfer and e-wallet"):
    /// bank transfer when the shop's account is set; PayPal as the e-wallet when its client id is set, else the local
    /// wallet simulator when <c>Payments:LocalSimulators</c> is true (the local host sets it). Settings are checked now,
    /// so a missing one stops the app at startup with its name.
    /// </summary>
    public static IServiceCollection AddShopAlternativePayments(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = AlternativePaymentsSettings.Read(configuration);
        services.TryAddSingleton(TimeProvider.System);
        foreach (var secret in settings.RequiredSecrets) services.AddRequiredSecret(secret);

        if (settings.BankTransfer is { } bank)
        {
            services.AddSingleton(bank);
            services.AddSingleton<IPaymentGateway, BankTransferGateway>();
            services.AddSingleton<IPaymentWebhookReader, BankWebhookReader>();
        }

        if (settings.PayPal is { } payPal)
        {
            services.AddSingleton(sp => new PayPalApi(
                PayPalApi.CreateHttpClient(payPal.ApiBase), payPal,
                ThirdPartyResilience.Create(PayPalApi.ServiceName, ThirdPartyResilienceOptions.Default,
                    sp.GetRequiredService<ILogger<PayPalApi>>(), sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PayPalApi>>()));
            services.AddSingleton<PayPalWalletGateway>();
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<PayPalWalletGateway>());
            services.AddSingleton<IPaymentWebhookReader>(sp => new PayPalWebhookReader(
                sp.GetRequiredService<PayPalApi>(), sp.GetRequiredService<PayPalWalletGateway>(), payPal.WebhookId,
                sp.GetRequiredService<ILogger<PayPalWebhookReader>>()));
        }
        else if (settings.LocalWallet is { } wallet)
        {
            services.AddSingleton(wallet);
            // One instance behind both names: the wallet page (local host) finds the sessions the gateway opened.
            services.AddSingleton<LocalWalletSimulator>();
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<LocalWalletSimulator>());
            services.AddSingleton<IPaymentWebhookReader, LocalWalletWebhookReader>();
        }

        return services;
    }
}

/// <summary>The settings of <see cref="AlternativePaymentsRegistration.AddShopAlternativePayments"/>, read and checked in one go.</summary>
/// <param name="BankTransfer">Null: bank transfer is not offered.</param>
/// <param name="PayPal">Null: PayPal is not configured.</param>
/// <param name="LocalWallet">Null: no local wallet (only with <c>Payments:LocalSimulators</c>).</param>
/// <param name="RequiredSecrets">The secrets of the methods offered: missing or unresolved ones are not problems here but
/// <see cref="SecretSetting"/>s that stop the app at startup in Azure, show in /api/health and make the webhook answer 503.</param>
public sealed record AlternativePaymentsSettings(BankTransferOptions? BankTransfer, PayPalOptions? PayPal, LocalWalletOptions? LocalWallet, IReadOnlyList<SecretSetting> RequiredSecrets)
{
    public const string LocalSimulatorsSetting = "Payments:LocalSimulators";
    public const string BankWebhookSecretSetting = "Payments:BankTransfer:WebhookSecret";
    public const string WalletWebhookSecretSetting = "Payments:LocalWallet:WebhookSecret";
    public const string PayPalClientSecretSetting = "Payments:PayPal:ClientSecret";
    public const string PayPalWebhookIdSetting = "Payments:PayPal:WebhookId";

    /// <summary>A documented sample IBAN (the Netherlands' test account): valid in form, owned by nobody who will ship anything.</summary>
    public const string SampleIban = "NL91ABNA0417164300";
    public const string SampleBic = "ABNANL2A";
    public const string SampleBeneficiary = "Serverless Shop (sample account: do not pay)";
    /// <summary>The local host's values for the simulators' secrets (it sets them; nothing else defaults to them).</summary>
    public const string DevelopmentBankWebhookSecret = "local-bank-webhook-secret-not-for-production";
    public const string DevelopmentWalletWebhookSecret = "local-wallet-webhook-secret-not-for-production";
    public static readonly Uri DefaultSimulatorsBaseUrl = new("http://localhost:7071/");

    private const int MinimumSecretLength = 16;

    /// <exception cref="InvalidOperationException">Listing every missing or malformed setting at once.</exception>
    public static AlternativePaymentsSettings Read(IConfiguration configuration)
    {
        var problems = new List<string>();
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        var localSimulators = Value(LocalSimulatorsSetting) is { } flag && (bool.TryParse(flag, out var on)
            ? on
            : Problem(problems, $"{LocalSimulatorsSetting} must be true or false, not '{flag}'."));

        var secrets = new List<SecretSetting>();
        SecretSetting RequiredSecret(string key)
        {
            var secret = SecretSetting.Read(configuration, key);
            if (secret.ValueOrNull is { Length: < MinimumSecretLength }) problems.Add($"{key} must be at least {MinimumSecretLength} characters long.");
            secrets.Add(secret);
            return secret;
        }

        var bank = ReadBankTransfer(Value, RequiredSecret, localSimulators, problems);
        var payPal = ReadPayPal(Value, configuration, secrets, problems);
        LocalWalletOptions? wallet = null;
        if (localSimulators && payPal is null)
        {
            var secret = RequiredSecret(WalletWebhookSecretSetting);
            var baseUrl = HttpUrl(Value("Simulators:BaseUrl"), "Simulators:BaseUrl", problems) ?? DefaultSimulatorsBaseUrl;
            var stateFile = Value("Payments:LocalWallet:StateFile");
            wallet = new LocalWalletOptions(secret.ValueOrNull ?? "", baseUrl, stateFile is null ? null : Path.GetFullPath(stateFile));
        }

        if (problems.Count > 0)
            throw new InvalidOperationException("Bank transfer and e-wallet payments are not configured (see docs/configuration.md):" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));
        return new AlternativePaymentsSettings(bank, payPal, wallet, secrets);
    }

    private static BankTransferOptions? ReadBankTransfer(Func<string, string?> value, Func<string, SecretSetting> requiredSecret, bool localSimulators, List<string> problems)
    {
        const string section = "Payments:BankTransfer:";
        var (iban, bic, beneficiary) = (value(section + "Iban"), value(section + "Bic"), value(section + "Beneficiary"));
        var configured = iban is not null || bic is not null || beneficiary is not null;
        if (!configured && !localSimulators) return null;

        if (!configured) (iban, bic, beneficiary) = (SampleIban, SampleBic, SampleBeneficiary);
        iban = iban?.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (iban is null) problems.Add($"{section}Iban is required to offer bank transfer: the shop's account.");
        else if (!IsIban(iban)) problems.Add($"{section}Iban is not a valid IBAN: '{iban}'.");
        if (bic is null) problems.Add($"{section}Bic is required to offer bank transfer.");
        else if (bic.Length is not (8 or 11) || !bic.All(char.IsAsciiLetterOrDigit)) problems.Add($"{section}Bic must be 8 or 11 letters and digits, not '{bic}'.");
        if (beneficiary is null) problems.Add($"{section}Beneficiary is required to offer bank transfer: the account holder's name.");

        var days = BankTransferOptions.DefaultDaysToPay;
        // Fractions are allowed (0.5 is twelve hours), so tests can let a transfer's deadline pass in seconds.
        if (value(section + "DaysToPay") is { } text && (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out days) || days is <= 0 or > 60))
            problems.Add($"{section}DaysToPay must be a number of days above 0 and at most 60, not '{text}'.");

        // No default: a known secret would let anyone mark orders paid. The local host sets one for its simulators.
        var secret = requiredSecret(BankWebhookSecretSetting);
        return new BankTransferOptions(iban ?? "", bic ?? "", beneficiary ?? "", days, secret.ValueOrNull ?? "");
    }

    private static PayPalOptions? ReadPayPal(Func<string, string?> value, IConfiguration configuration, List<SecretSetting> secrets, List<string> problems)
    {
        const string section = "Payments:PayPal:";
        var clientId = value(section + "ClientId");
        if (clientId is null) return null;

        // Both may be Key Vault references; unresolved, they are required secrets, never text sent to PayPal as it is.
        // The webhook id is not a secret, but the same rule keeps its webhook closed (503) until it is known.
        var clientSecret = SecretSetting.Read(configuration, PayPalClientSecretSetting);
        var webhookId = SecretSetting.Read(configuration, PayPalWebhookIdSetting);
        secrets.Add(clientSecret);
        secrets.Add(webhookId);
        var apiBase = HttpUrl(value(section + "ApiBase"), section + "ApiBase", problems) ?? PayPalOptions.SandboxApiBase;
        return new PayPalOptions(apiBase, clientId, clientSecret.ValueOrNull ?? "", webhookId.ValueOrNull ?? "");
    }

    private static Uri? HttpUrl(string? text, string key, List<string> problems)
    {
        if (text is null) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)) return uri;
        problems.Add($"{key} is not an absolute http(s) URL: '{text}'.");
        return null;
    }

    private static bool Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return false;
    }

    /// <summary>Form and check digits (ISO 13616): two letters, two digits, up to 30 letters and digits, MOD 97 = 1.</summary>
    private static bool IsIban(string iban)
    {
        if (iban.Length is < 15 or > 34 || !iban.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(iban[0]) || !char.IsAsciiLetter(iban[1])
            || !char.IsAsciiDigit(iban[2]) || !char.IsAsciiDigit(iban[3])) return false;
        var digits = string.Concat((iban[4..] + iban[..4]).Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture)));
        return BigInteger.Parse(digits, CultureInfo.InvariantCulture) % 97 == 1;
    }
}
