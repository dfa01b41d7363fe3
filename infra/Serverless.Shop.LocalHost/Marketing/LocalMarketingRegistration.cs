using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.LocalHost.Marketing;

internal static class LocalMarketingRegistration
{
    /// <summary>Wraps the app's bulk sender in <see cref="CrashPointBulkEmailSender"/>, for the crash tests.</summary>
    public static void PutBulkSenderBehindCrashPoint(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IBulkEmailSender));
        services.Remove(registered);
        services.AddSingleton<IBulkEmailSender>(sp => new CrashPointBulkEmailSender(
            (IBulkEmailSender)(registered.ImplementationInstance ?? registered.ImplementationFactory!(sp)), sp.GetRequiredService<CrashPoint>()));
    }
}
