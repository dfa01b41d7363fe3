using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Campaigns;

/// <summary>
/// Campaigns in the <c>campaigns</c> container, partition key <c>/campaignId</c>: the campaign
/// <c>{ id: campaignId, campaignId, type: "campaign", status, nextSendAt, createdAt, campaign }</c> and its send claims
/// <c>{ id: "batch:&lt;occurrence&gt;:&lt;number&gt;", campaignId, type: "batch", occurrence, number, batch }</c> in the same
/// partition, so a campaign's batches are found by single-partition queries. Creating a batch document is the claim: a
/// create with an existing id fails (409), so one sender alone claims each batch number (CosmosCampaignStoreTests).
/// </summary>
public sealed class CosmosCampaignStore(ShopContainers containers, CosmosOptions options) : ICampaignStore
{
    public const string ContainerName = "campaigns";

    private readonly Container _container = containers.Client.GetDatabase(options.DatabaseName).GetContainer(ContainerName);

    public async Task<Versioned<Campaign>?> FindAsync(string id, CancellationToken ct)
    {
        try
        {
            var response = await _container.ReadItemAsync<CampaignDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return response.Resource.Type == CampaignDocument.Kind ? new(response.Resource.Campaign, response.ETag) : null;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> CreateAsync(Campaign campaign, CancellationToken ct) =>
        (await _container.CreateItemAsync(CampaignDocument.From(campaign), new PartitionKey(campaign.Id), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct)).ETag;

    public async Task<string> ReplaceAsync(Campaign campaign, string expectedVersion, CancellationToken ct)
    {
        try
        {
            return (await _container.ReplaceItemAsync(CampaignDocument.From(campaign), campaign.Id, new PartitionKey(campaign.Id),
                new ItemRequestOptions { IfMatchEtag = expectedVersion, EnableContentResponseOnWrite = false }, ct)).ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            throw new StaleVersionException("Campaign");
        }
    }

    public async Task<Page<Campaign>> ListAsync(CampaignStatus? status, PageRequest page, CancellationToken ct)
    {
        var query = status is null
            ? new QueryDefinition("SELECT * FROM c WHERE c.type = @type ORDER BY c.createdAt DESC").WithParameter("@type", CampaignDocument.Kind)
            : new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.status = @status ORDER BY c.createdAt DESC")
                .WithParameter("@type", CampaignDocument.Kind).WithParameter("@status", StatusName(status.Value));
        using var feed = _container.GetItemQueryIterator<CampaignDocument>(query, page.ContinuationToken, new QueryRequestOptions { MaxItemCount = page.Size });
        try
        {
            var response = await feed.ReadNextAsync(ct);
            return new Page<Campaign>([.. response.Select(d => d.Campaign)], response.ContinuationToken);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued for this listing.");
        }
    }

    public async Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var query = new QueryDefinition(
                "SELECT c.id FROM c WHERE c.type = @type AND (c.status = @sending OR (c.status = @scheduled AND c.nextSendAt <= @now))")
            .WithParameter("@type", CampaignDocument.Kind).WithParameter("@sending", StatusName(CampaignStatus.Sending))
            .WithParameter("@scheduled", StatusName(CampaignStatus.Scheduled)).WithParameter("@now", now.ToUnixTimeMilliseconds());
        var ids = new List<string>();
        using var feed = _container.GetItemQueryIterator<IdOnly>(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (feed.HasMoreResults && ids.Count < max) ids.AddRange((await feed.ReadNextAsync(ct)).Select(d => d.Id));
        return [.. ids.Take(max)];
    }

    public async Task<CampaignBatch?> FindLastBatchAsync(string campaignId, string occurrence, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT TOP 1 * FROM c WHERE c.campaignId = @id AND c.type = @type AND c.occurrence = @occurrence ORDER BY c.number DESC")
            .WithParameter("@id", campaignId).WithParameter("@type", BatchDocument.Kind).WithParameter("@occurrence", occurrence);
        using var feed = _container.GetItemQueryIterator<BatchDocument>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(campaignId), MaxItemCount = 1 });
        while (feed.HasMoreResults)
            if ((await feed.ReadNextAsync(ct)).FirstOrDefault() is { } found) return found.Batch;
        return null;
    }

    public async Task<bool> TryClaimAsync(CampaignBatch batch, CancellationToken ct)
    {
        try
        {
            await _container.CreateItemAsync(BatchDocument.From(batch), new PartitionKey(batch.CampaignId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            return true;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            return false;
        }
    }

    public async Task ReleaseAsync(CampaignBatch batch, CancellationToken ct)
    {
        try
        {
            await _container.DeleteItemAsync<BatchDocument>(BatchDocument.IdFor(batch), new PartitionKey(batch.CampaignId), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
        }
    }

    public async Task MarkSentAsync(CampaignBatch batch, CancellationToken ct) =>
        await _container.ReplaceItemAsync(BatchDocument.From(batch), BatchDocument.IdFor(batch), new PartitionKey(batch.CampaignId),
            new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);

    public async Task<IReadOnlyList<CampaignBatch>> ListBatchesAsync(string campaignId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.campaignId = @id AND c.type = @type")
            .WithParameter("@id", campaignId).WithParameter("@type", BatchDocument.Kind);
        var batches = new List<CampaignBatch>();
        using var feed = _container.GetItemQueryIterator<BatchDocument>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(campaignId), MaxItemCount = 1000 });
        while (feed.HasMoreResults) batches.AddRange((await feed.ReadNextAsync(ct)).Select(d => d.Batch));
        return batches;
    }

    private static string StatusName(CampaignStatus status) => System.Text.Json.JsonSerializer.Serialize(status, ShopJson.Options).Trim('"');

    private sealed record IdOnly(string Id);

    internal sealed record CampaignDocument
    {
        public const string Kind = "campaign";

        public required string Id { get; init; }
        public required string CampaignId { get; init; }
        public required string Type { get; init; }
        public required CampaignStatus Status { get; init; }

        /// <summary>Unix milliseconds, for the due query; null when nothing is due.</summary>
        public long? NextSendAt { get; init; }
        public required long CreatedAt { get; init; }
        public required Campaign Campaign { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }

        public static CampaignDocument From(Campaign campaign) => new()
        {
            Id = campaign.Id, CampaignId = campaign.Id, Type = Kind, Status = campaign.Status,
            NextSendAt = campaign.NextSendAt?.ToUnixTimeMilliseconds(), CreatedAt = campaign.CreatedAt.ToUnixTimeMilliseconds(), Campaign = campaign,
        };
    }

    internal sealed record BatchDocument(string Id, string CampaignId, string Type, string Occurrence, int Number, CampaignBatch Batch)
    {
        public const string Kind = "batch";

        // Zero-padded so the ids sort like the numbers.
        public static string IdFor(CampaignBatch batch) => $"batch:{batch.Occurrence}:{batch.Number.ToString("D6", CultureInfo.InvariantCulture)}";

        public static BatchDocument From(CampaignBatch batch) => new(IdFor(batch), batch.CampaignId, Kind, batch.Occurrence, batch.Number, batch);
    }
}
