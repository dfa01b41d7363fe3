using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.LocalHost.Marketing;

internal static class LocalMarketingRegistration
{
    /// <summary>
    /// The stand-in audience (<see cref="StandInMarketingAudience"/>): over whatever else is registered when its file
    /// setting names one (the campaign tests' own audience), else only for each audience port nothing else registered.
    /// </summary>
    public static void AddStandInMarketingAudience(IServiceCollection services, IConfiguration configuration, int port)
    {
        var file = configuration[StandInMarketingAudience.FileSetting];
        var standIn = new StandInMarketingAudience(string.IsNullOrWhiteSpace(file) ? null : file, new Uri($"http://localhost:{(port == 0 ? 7071 : port)}/"));
        if (standIn.HasFile)
        {
            services.AddSingleton<IMarketingAudience>(standIn);
            services.AddSingleton<IUnsubscribeLinks>(standIn);
            services.AddSingleton<IEmailEngagementReader>(standIn);
            return;
        }
        services.TryAddSingleton<IMarketingAudience>(standIn);
        services.TryAddSingleton<IUnsubscribeLinks>(standIn);
        services.TryAddSingleton<IEmailEngagementReader>(standIn);
    }

    /// <summary>Wraps the app's bulk sender in <see cref="CrashPointBulkEmailSender"/>, for the crash tests.</summary>
    public static void PutBulkSenderBehindCrashPoint(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IBulkEmailSender));
        services.Remove(registered);
        services.AddSingleton<IBulkEmailSender>(sp => new CrashPointBulkEmailSender(
            (IBulkEmailSender)(registered.ImplementationInstance ?? registered.ImplementationFactory!(sp)), sp.GetRequiredService<CrashPoint>()));
    }
}
