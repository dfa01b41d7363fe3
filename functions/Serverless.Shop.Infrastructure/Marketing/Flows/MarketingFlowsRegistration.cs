using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Marketing.Flows;

namespace Serverless.Shop.Infrastructure.Marketing.Flows;

public static class MarketingFlowsRegistration
{
    /// <summary>The automated marketing flows (docs/marketing.md): for now the abandoned-cart reminders.</summary>
    public static IServiceCollection AddShopMarketingFlows(this IServiceCollection services, IConfiguration configuration)
    {
        // What every flow shares: its settings (set through the flows API) and how it sends a step.
        services.AddSingleton<IFlowSettingsStore, CosmosFlowSettingsStore>();
        services.AddSingleton<FlowSettingsReader>();
        services.AddSingleton<FlowEmails>();

        services.AddSingleton(ReadAbandonedCartSettings(configuration));
        services.AddSingleton<IIdleCarts, CosmosIdleCarts>();
        services.AddSingleton<RemindAbandonedCarts>();

        // Back in stock (docs/marketing.md#back-in-stock): shoppers' requests, the flow, and its share of export and erasure.
        services.AddSingleton(NotifyBackInStock.Definition);
        services.AddSingleton<IBackInStockRequests, CosmosBackInStockRequests>();
        services.AddSingleton<AskBackInStock>();
        services.AddSingleton<NotifyBackInStock>();
        services.AddSingleton<BackInStockPersonalData>();
        services.AddSingleton<Domain.Privacy.IPersonalDataExportSection>(sp => sp.GetRequiredService<BackInStockPersonalData>());
        services.AddSingleton<Domain.Privacy.IPersonalDataCleanup>(sp => sp.GetRequiredService<BackInStockPersonalData>());
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
