using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Marketing.Audiences;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>
/// A campaign's results: sent from its batches, what the Event Webhook reported (delivered, opened ...), and the paid
/// orders attributed to it with their revenue per currency (<see cref="AttributeEmailRevenue"/>).
/// </summary>
public sealed class CampaignResultsReport(ManageCampaigns campaigns, ICampaignStore store, IEmailEngagementReader engagement, IAttributedRevenueReader revenue)
{
    public async Task<CampaignResults> ReadAsync(string id, CancellationToken ct)
    {
        var campaign = (await campaigns.GetAsync(id, ct)).Value;
        var batches = await store.ListBatchesAsync(campaign.Id, ct);
        var reported = await engagement.ReadAsync(campaign.Id, ct);
        var attributed = await revenue.ReadAsync(campaign.Id, ct);
        return new CampaignResults(
            campaign.Id, campaign.Status,
            Occurrences: batches.Select(b => b.Occurrence).Distinct(StringComparer.Ordinal).Count(),
            Sent: batches.Where(b => b.Sent).Sum(b => (long)b.Delivered),
            Unconfirmed: batches.Where(b => !b.Sent).Sum(b => (long)b.Recipients),
            Suppressed: batches.Where(b => b.Sent).Sum(b => (long)b.Suppressed),
            reported.Delivered, reported.Opened, reported.Clicked, reported.Bounced, reported.Unsubscribed, reported.SpamReports,
            attributed.Orders, attributed.Amounts);
    }
}
