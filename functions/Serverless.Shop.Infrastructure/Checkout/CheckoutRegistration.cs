using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Checkout;

namespace Serverless.Shop.Infrastructure.Checkout;

public static class CheckoutRegistration
{
    /// <summary>
    /// The checkout's use cases and settings: Checkout:ReservationMinutes (card and wallet, default 30),
    /// Checkout:BankTransferReservationDays (default 8: longer than the transfer's due date), Checkout:PaymentActionMinutes
    /// (time to finish 3-D Secure or a wallet approval, default 30), Checkout:ResumeAfterMinutes (an order pending payment
    /// this long without a running orchestration is resumed, default 2).
    /// </summary>
    public static IServiceCollection AddShopCheckout(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Checkout");
        services.AddSingleton(new CheckoutSettings(
            TimeSpan.FromMinutes(Number(section, "ReservationMinutes", CheckoutSettings.Default.ReservationHold.TotalMinutes)),
            TimeSpan.FromDays(Number(section, "BankTransferReservationDays", CheckoutSettings.Default.BankTransferReservationHold.TotalDays)),
            TimeSpan.FromMinutes(Number(section, "PaymentActionMinutes", CheckoutSettings.Default.PaymentActionTimeout.TotalMinutes)),
            TimeSpan.FromMinutes(Number(section, "ResumeAfterMinutes", CheckoutSettings.Default.ResumeAfter.TotalMinutes))));
        services.AddSingleton<StartCheckout>();
        services.AddSingleton<CheckoutSteps>();
        services.AddSingleton<ReceivePaymentWebhook>();
        services.AddSingleton<ReceiveTrackingWebhook>();
        services.AddSingleton<Serverless.Shop.Domain.Orders.PollParcelTracking>();
        services.AddSingleton<MarkTransferReceived>();
        services.AddSingleton<FindInterruptedCheckouts>();
        services.AddSingleton<ReconcilePayments>();
        return services;
    }

    // Fractions are allowed so that tests can shorten the windows to seconds.
    private static double Number(IConfigurationSection section, string key, double fallback)
    {
        var text = section[key];
        if (text is null) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"Checkout:{key} must be a positive number, not '{text}'.");
    }
}
