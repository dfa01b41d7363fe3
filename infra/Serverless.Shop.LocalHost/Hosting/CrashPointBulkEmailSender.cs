using Serverless.Shop.Domain.Marketing.Campaigns;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// The bulk email sender behind a crash point (local host only), step <see cref="Step"/>, keyed by the campaign id:
/// "before" stops once a batch is claimed and before it is sent, "after" once it is sent and before it is marked sent.
/// Only from a campaign's second batch (number 1) on, so the first batch is done in full before the kill.
/// Test: CampaignSendCrashTests.
/// </summary>
internal sealed class CrashPointBulkEmailSender(IBulkEmailSender inner, CrashPoint crashPoint) : IBulkEmailSender
{
    public const string Step = "CampaignSendBatch";

    public int MaxRecipientsPerRequest => inner.MaxRecipientsPerRequest;

    public async Task SendAsync(MarketingEmail email, CancellationToken ct)
    {
        if (email.BatchNumber >= 1) await crashPoint.ReachedAsync(Step, CrashMoment.Before, email.CampaignId);
        await inner.SendAsync(email, ct);
        if (email.BatchNumber >= 1) await crashPoint.ReachedAsync(Step, CrashMoment.After, email.CampaignId);
    }
}
