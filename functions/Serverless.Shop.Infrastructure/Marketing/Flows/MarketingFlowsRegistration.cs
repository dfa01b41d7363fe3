using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Infrastructure.Marketing.Flows;

public static class MarketingFlowsRegistration
{
    /// <summary>The automated marketing flows (docs/marketing.md): the abandoned-cart reminders, the welcome series and win-back.</summary>
    public static IServiceCollection AddShopMarketingFlows(this IServiceCollection services, IConfiguration configuration)
    {
        // What every flow shares: its settings (set through the flows API) and how it sends a step.
        services.AddSingleton<IFlowSettingsStore, CosmosFlowSettingsStore>();
        services.AddSingleton<FlowSettingsReader>();
        services.AddSingleton<FlowEmails>();
        services.AddSingleton<IFlowEnrolments, CosmosFlowEnrolments>();
        services.AddSingleton<SendFlowSteps>();
        services.AddSingleton<FlowPersonalData>();
        services.AddSingleton<IPersonalDataExportSection>(sp => sp.GetRequiredService<FlowPersonalData>());
        services.AddSingleton<IPersonalDataCleanup>(sp => sp.GetRequiredService<FlowPersonalData>());

        // The welcome series: enrols at a newsletter confirmation or a profile saved with email consent.
        services.AddSingleton(WelcomeSeries.Definition);
        services.AddSingleton<WelcomeSeries>();
        services.AddSingleton<INewsletterConfirmationFollower>(sp => sp.GetRequiredService<WelcomeSeries>());
        services.AddSingleton<ICustomerProfileFollower>(sp => sp.GetRequiredService<WelcomeSeries>());

        // Win-back: enrols the watched segments' members on its own timer.
        services.AddSingleton(WinBackFlow.Definition);
        services.AddSingleton<WinBackFlow>();

        services.AddSingleton(ReadAbandonedCartSettings(configuration));
        services.AddSingleton<IIdleCarts, CosmosIdleCarts>();
        services.AddSingleton<RemindAbandonedCarts>();
        return services;
    }

    /// <summary>
    /// <c>Marketing:AbandonedCart:Enabled</c> (true | false, the default), <c>:FirstReminderHours</c> (0.01 to 168, default 1),
    /// <c>:SecondReminderHours</c> (after the first and at most 336, default 24; 0 sends one reminder only),
    /// <c>:LookBackHours</c> (1 to 336, default 48) and <c>:CartPageUrl</c> (the storefront's cart page; required when on).
    /// </summary>
    /// <exception cref="InvalidOperationException">When a setting is present but not valid, or the flow is on without a cart page: the app does not start.</exception>
    public const string CartPageUrlSetting = "Marketing:AbandonedCart:CartPageUrl";

    public static AbandonedCartSettings ReadAbandonedCartSettings(IConfiguration configuration)
    {
        const string prefix = "Marketing:AbandonedCart:";
        var section = configuration.GetSection("Marketing:AbandonedCart");
        var enabled = section["Enabled"] is { Length: > 0 } on
            ? bool.TryParse(on, out var b) ? b : throw Invalid("Enabled", on, "true or false")
            : false;
        var first = Hours(section, "FirstReminderHours", 0.01, 168) ?? AbandonedCartSettings.DefaultFirstReminderAfter;
        var second = Hours(section, "SecondReminderHours", 0, 336) is { } s ? (s == TimeSpan.Zero ? null : s) : (TimeSpan?)AbandonedCartSettings.DefaultSecondReminderAfter;
        if (second is { } later && later <= first)
            throw new InvalidOperationException($"{prefix}SecondReminderHours must come after {prefix}FirstReminderHours (or be 0 for none). See docs/marketing.md.");
        var lookBack = Hours(section, "LookBackHours", 1, 336) ?? AbandonedCartSettings.DefaultLookBack;

        Uri? cartPage = null;
        if (section["CartPageUrl"] is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out cartPage) || cartPage.Scheme is not ("https" or "http"))
                throw Invalid("CartPageUrl", url, "an absolute http(s) URL");
        }
        else if (enabled)
        {
            throw new InvalidOperationException($"{prefix}CartPageUrl is required while {prefix}Enabled is true: the reminder links to the storefront's cart page. See docs/marketing.md.");
        }
        return new AbandonedCartSettings(enabled, first, second, lookBack, cartPage);

        static InvalidOperationException Invalid(string name, string value, string expected) =>
            new($"{prefix}{name} must be {expected}, not '{value}'. See docs/marketing.md.");

        static TimeSpan? Hours(IConfigurationSection section, string name, double min, double max)
        {
            if (section[name] is not { Length: > 0 } text) return null;
            if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var hours) || hours < min || hours > max)
                throw Invalid(name, text, $"a number of hours from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
            return TimeSpan.FromHours(hours);
        }
    }
}
