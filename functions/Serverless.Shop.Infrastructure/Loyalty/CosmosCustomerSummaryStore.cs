using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Loyalty;

/// <summary>
/// Purchase histories in the <c>loyalty</c> container beside the points ledgers (partition key /id): one document per
/// customer, <c>{ id: "history:&lt;hash of the customer id&gt;", type: "history", customerId, summary, nextReviewAt }</c>.
/// The loyalty container rather than a container of its own: the history belongs to the same capability, is keyed the
/// same way (one customer, one document, point reads), is erased with the points, and needs no more throughput or
/// Bicep. A separate document rather than a part of the points ledger, so the checkout's concurrent point holds and the
/// order events' history updates do not fight over one ETag. <c>nextReviewAt</c> (Unix seconds) is what the nightly
/// timer's one cross-partition query filters on. Cosmos DB calls: read = 1, write = 1, delete = 1, the timer's list = 1 query page.
/// </summary>
public sealed class CosmosCustomerSummaryStore(ShopContainers containers) : ICustomerSummaryStore
{
    private Container Loyalty => containers.Loyalty;

    public static string DocumentId(string customerId) =>
        "history:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)));

    public async Task<Versioned<CustomerSummary>?> FindAsync(string customerId, CancellationToken ct)
    {
        var id = DocumentId(customerId);
        try
        {
            var response = await Loyalty.ReadItemAsync<HistoryDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return new(response.Resource.Summary, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task SaveAsync(CustomerSummary summary, string? expectedVersion, CancellationToken ct)
    {
        var document = HistoryDocument.From(summary);
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = expectedVersion };
        try
        {
            if (expectedVersion is null) await Loyalty.CreateItemAsync(document, new PartitionKey(document.Id), options, ct);
            else await Loyalty.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Id), options, ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.Conflict))
        {
            throw new StaleVersionException("Purchase history");
        }
    }

    public async Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT TOP @max VALUE c.customerId FROM c WHERE c.type = @type AND c.nextReviewAt <= @now")
            .WithParameter("@max", max).WithParameter("@type", HistoryDocument.Kind).WithParameter("@now", now.ToUnixTimeSeconds());
        var due = new List<string>();
        using var feed = Loyalty.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (feed.HasMoreResults && due.Count < max) due.AddRange(await feed.ReadNextAsync(ct));
        return due;
    }

    public async Task DeleteAsync(string customerId, CancellationToken ct)
    {
        var id = DocumentId(customerId);
        try
        {
            await Loyalty.DeleteItemAsync<HistoryDocument>(id, new PartitionKey(id), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
        }
    }

    internal sealed record HistoryDocument
    {
        public const string Kind = "history";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string CustomerId { get; init; }
        public required CustomerSummary Summary { get; init; }

        /// <summary>Unix seconds of the next review; absent when time alone changes nothing.</summary>
        public long? NextReviewAt { get; init; }

        public static HistoryDocument From(CustomerSummary summary) => new()
        {
            Id = DocumentId(summary.CustomerId),
            Type = Kind,
            CustomerId = summary.CustomerId,
            Summary = summary,
            NextReviewAt = summary.NextReviewAt?.ToUnixTimeSeconds(),
        };
    }
}
