using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Audiences;

/// <summary>
/// Per-campaign engagement counters in <c>marketing-audiences</c>: one document per campaign or flow id, each counter
/// raised by a Cosmos DB Increment patch (no read, no lost update when events of one campaign arrive at once); the first
/// event of a campaign creates the document. Cosmos DB calls: count = 1 (2 or 3 for the first), read = 1.
/// Tests: SendGridEventWebhookTests, AudienceConcurrencyTests.
/// </summary>
public sealed class CosmosEmailEngagement(ShopContainers containers) : IEmailEngagementCounters
{
    private Container Container => AudienceContainer.Of(containers);

    public static string DocumentId(string campaignId) =>
        "engagement:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(campaignId)));

    public async Task CountAsync(string campaignId, EngagementKind kind, CancellationToken ct)
    {
        var id = DocumentId(campaignId);
        var path = "/" + Field(kind);
        for (var attempt = 1; ; attempt++)
        {
            using (var patched = await Container.PatchItemStreamAsync(id, new PartitionKey(id), [PatchOperation.Increment(path, 1)], cancellationToken: ct))
                if (patched.IsSuccessStatusCode) return;
                else if (patched.StatusCode != HttpStatusCode.NotFound || attempt > 3) patched.EnsureSuccessStatusCode();

            var first = new EngagementDocument { Id = id, Type = EngagementDocument.Kind, CampaignId = campaignId };
            try
            {
                await Container.CreateItemAsync(first, new PartitionKey(id), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            }
            catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
            {
                // Another event of the campaign created it: increment theirs.
            }
        }
    }

    public async Task<EmailEngagement> ReadAsync(string campaignId, CancellationToken ct)
    {
        var id = DocumentId(campaignId);
        try
        {
            var d = (await Container.ReadItemAsync<EngagementDocument>(id, new PartitionKey(id), cancellationToken: ct)).Resource;
            return new EmailEngagement(d.Delivered, d.Opened, d.Clicked, d.Bounced, d.Unsubscribed, d.SpamReports, d.Sent);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return EmailEngagement.None;
        }
    }

    private static string Field(EngagementKind kind) => kind switch
    {
        EngagementKind.Delivered => "delivered",
        EngagementKind.Opened => "opened",
        EngagementKind.Clicked => "clicked",
        EngagementKind.Bounced => "bounced",
        EngagementKind.Unsubscribed => "unsubscribed",
        EngagementKind.SpamReport => "spamReports",
        EngagementKind.Sent => "sent",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    internal sealed record EngagementDocument
    {
        public const string Kind = "engagement";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string CampaignId { get; init; }
        public long Delivered { get; init; }
        public long Opened { get; init; }
        public long Clicked { get; init; }
        public long Bounced { get; init; }
        public long Unsubscribed { get; init; }
        public long SpamReports { get; init; }
        public long Sent { get; init; }
    }
}
