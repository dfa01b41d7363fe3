using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Loyalty;

/// <summary>
/// Points accounts in the <c>loyalty</c> container (partition key /id): one document per customer,
/// <c>{ id: "points:&lt;hash of the customer id&gt;", type: "points", customerId, account, nextDueAt }</c>. A customer's
/// points change together (earning, reversing and spending one order's points touch one balance), so one document
/// written with its ETag makes every change atomic without a transaction the emulator cannot run; reading the points is
/// one point read. <c>nextDueAt</c> (Unix seconds of the next release or expiry) is what the timer's one
/// cross-partition query filters on. The id is a hash because a token's subject may hold characters Cosmos DB ids
/// may not. Cosmos DB calls: read = 1, write = 1, the timer's list = 1 query page.
/// </summary>
public sealed class CosmosPointsAccountStore(ShopContainers containers) : IPointsAccountStore
{
    private Container Loyalty => containers.Loyalty;

    public static string DocumentId(string customerId) =>
        "points:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)));

    public async Task<Versioned<PointsAccount>?> FindAsync(string customerId, CancellationToken ct)
    {
        var id = DocumentId(customerId);
        try
        {
            var response = await Loyalty.ReadItemAsync<PointsDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return new(response.Resource.Account, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task SaveAsync(PointsAccount account, string? expectedVersion, CancellationToken ct)
    {
        var document = PointsDocument.From(account);
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = expectedVersion };
        try
        {
            if (expectedVersion is null) await Loyalty.CreateItemAsync(document, new PartitionKey(document.Id), options, ct);
            else await Loyalty.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Id), options, ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.Conflict))
        {
            throw new StaleVersionException("Points account");
        }
    }

    public async Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT TOP @max VALUE c.customerId FROM c WHERE c.type = @type AND c.nextDueAt <= @now")
            .WithParameter("@max", max).WithParameter("@type", PointsDocument.Kind).WithParameter("@now", now.ToUnixTimeSeconds());
        var due = new List<string>();
        using var feed = Loyalty.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (feed.HasMoreResults && due.Count < max) due.AddRange(await feed.ReadNextAsync(ct));
        return due;
    }

    internal sealed record PointsDocument
    {
        public const string Kind = "points";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string CustomerId { get; init; }
        public required PointsAccount Account { get; init; }

        /// <summary>Unix seconds of the next release or expiry; absent when nothing is scheduled.</summary>
        public long? NextDueAt { get; init; }

        public static PointsDocument From(PointsAccount account) => new()
        {
            Id = DocumentId(account.CustomerId),
            Type = Kind,
            CustomerId = account.CustomerId,
            Account = account,
            NextDueAt = account.NextDueAt?.ToUnixTimeSeconds(),
        };
    }
}
