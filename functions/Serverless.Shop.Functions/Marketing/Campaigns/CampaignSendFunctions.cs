using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Marketing.Campaigns;

namespace Serverless.Shop.Functions.Marketing.Campaigns;

/// <summary>The campaign sender's timer (docs/marketing.md#sending).</summary>
public sealed class CampaignSendFunctions(SendCampaigns sender)
{
    /// <summary>
    /// Every minute: sends the campaigns that are due, and carries on those left sending (a run that stopped at its
    /// budget, or a host that was killed). Two runs at once share the work batch by batch and never mail anyone twice.
    /// </summary>
    [Function("SendDueCampaigns")]
    public async Task Send([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var run = await sender.SendDueAsync(ct);
        if (run.Failures.Count > 0)
            throw new InvalidOperationException($"{run.Failures.Count} of {run.Campaigns} due campaign(s) could not be sent: {string.Join("; ", run.Failures)}");
    }
}
