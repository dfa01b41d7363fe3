using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Flows;

/// <summary>
/// Back-in-stock requests in <c>marketing-flows</c>, one document each: <c>{ id: "back-in-stock:&lt;sku&gt;:&lt;key in
/// hex&gt;", type: "back-in-stock", sku, productId, key, email (sealed), dataOwnerId, customerId, language, requestedAt,
/// expiresAt, inStockSince, claimedAt, ttl }</c>. The id made of SKU and address makes "one request per address and
/// variant" a create-if-absent; <c>ttl</c> is what is left to <c>expiresAt</c> at each write (a write restarts the TTL
/// clock), so a request lapses on time whatever the runs wrote. The address is sealed with the request's own data key
/// (<see cref="DataOwner.MarketingContact"/>). Cosmos DB calls: add = 1 point read + the data key + 1 create; a run = 1
/// query page per page; a claim or note = 1 conditional replace. Tests: BackInStockApiTests.
/// </summary>
public sealed class CosmosBackInStockRequests(ShopContainers containers, IPersonalDataVault vault, TimeProvider clock) : IBackInStockRequests
{
    private Container Container => FlowsContainer.Of(containers);

    public static string DocumentId(string sku, string key) => $"back-in-stock:{sku}:{MarketingContacts.IdOf(key)}";

    public async Task<DateTimeOffset> AddAsync(BackInStockRequest request, CancellationToken ct)
    {
        var id = DocumentId(request.Sku, request.Key);
        if (await FindExpiryAsync(id, ct) is { } existing) return existing;

        var document = await DocumentAsync(request, createKey: true, ct);
        try
        {
            await Container.CreateItemAsync(document, new PartitionKey(id), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            return request.ExpiresAt;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            // The same address asked at the same moment: the first request stands.
            return await FindExpiryAsync(id, ct) ?? request.ExpiresAt;
        }
    }

    public async IAsyncEnumerable<IReadOnlyList<Versioned<BackInStockRequest>>> PagesAsync(int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type").WithParameter("@type", RequestDocument.Kind);
        using var feed = Container.GetItemQueryIterator<RequestDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize });
        while (feed.HasMoreResults)
        {
            var page = await feed.ReadNextAsync(ct);
            var opened = new List<Versioned<BackInStockRequest>>(page.Count);
            foreach (var document in page)
                if (document.ETag is { } etag) opened.Add(new(await OpenAsync(document, ct), etag));
            if (opened.Count > 0) yield return opened;
        }
    }

    public async Task<string?> TryUpdateAsync(Versioned<BackInStockRequest> request, BackInStockRequest changed, CancellationToken ct)
    {
        var document = await DocumentAsync(changed, createKey: false, ct);
        try
        {
            var response = await Container.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Id),
                new ItemRequestOptions { IfMatchEtag = request.Version, EnableContentResponseOnWrite = false }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task DeleteAsync(string sku, string key, CancellationToken ct)
    {
        var id = DocumentId(sku, key);
        try
        {
            await Container.DeleteItemAsync<RequestDocument>(id, new PartitionKey(id), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
        }
    }

    public async Task<IReadOnlyList<BackInStockRequest>> ListByCustomerAsync(string customerId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.customerId = @customer")
            .WithParameter("@type", RequestDocument.Kind).WithParameter("@customer", customerId);
        var found = new List<BackInStockRequest>();
        using var feed = Container.GetItemQueryIterator<RequestDocument>(query);
        while (feed.HasMoreResults)
            foreach (var document in await feed.ReadNextAsync(ct)) found.Add(await OpenAsync(document, ct));
        return found;
    }

    private async Task<DateTimeOffset?> FindExpiryAsync(string id, CancellationToken ct)
    {
        try
        {
            var response = await Container.ReadItemAsync<RequestDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return response.Resource.ExpiresAt;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    private async Task<RequestDocument> DocumentAsync(BackInStockRequest request, bool createKey, CancellationToken ct)
    {
        var key = await vault.OpenAsync(DataOwner.MarketingContact(request.DataOwnerId), createKey, ct);
        return new RequestDocument
        {
            Id = DocumentId(request.Sku, request.Key), Type = RequestDocument.Kind, Sku = request.Sku, ProductId = request.ProductId, Key = request.Key,
            Email = key.Seal(request.Email)!, DataOwnerId = request.DataOwnerId, CustomerId = request.CustomerId, Language = request.Language,
            RequestedAt = request.RequestedAt, ExpiresAt = request.ExpiresAt, InStockSince = request.InStockSince, ClaimedAt = request.ClaimedAt,
            Ttl = Math.Max(1, (int)Math.Ceiling((request.ExpiresAt - clock.GetUtcNow()).TotalSeconds)),
        };
    }

    private async Task<BackInStockRequest> OpenAsync(RequestDocument document, CancellationToken ct)
    {
        var key = await vault.OpenAsync(DataOwner.MarketingContact(document.DataOwnerId), createIfMissing: false, ct);
        return new BackInStockRequest
        {
            Sku = document.Sku, ProductId = document.ProductId, Key = document.Key, Email = key.Unseal(document.Email) ?? PersonalData.Erased,
            DataOwnerId = document.DataOwnerId, CustomerId = document.CustomerId, Language = document.Language, RequestedAt = document.RequestedAt,
            ExpiresAt = document.ExpiresAt, InStockSince = document.InStockSince, ClaimedAt = document.ClaimedAt,
        };
    }

    internal sealed record RequestDocument
    {
        public const string Kind = "back-in-stock";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string Sku { get; init; }
        public required string ProductId { get; init; }
        public required string Key { get; init; }

        /// <summary>The address, sealed with the data key of <see cref="DataOwnerId"/>.</summary>
        public required string Email { get; init; }

        public required string DataOwnerId { get; init; }
        public string? CustomerId { get; init; }
        public string? Language { get; init; }
        public required DateTimeOffset RequestedAt { get; init; }
        public required DateTimeOffset ExpiresAt { get; init; }
        public DateTimeOffset? InStockSince { get; init; }
        public DateTimeOffset? ClaimedAt { get; init; }
        public int Ttl { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }
}
