using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Marketing.Feeds;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Feeds;

/// <summary>
/// The feeds in the media account's public-read <c>feeds</c> container, which the CDN serves at <c>/feeds/*</c>
/// (bicep/modules/cdn.bicep). Each file keeps its name, so the URL given to Merchant Center and Meta never changes.
/// </summary>
public sealed class BlobFeedPublisher(BlobServiceClient service, string publicBaseUrl, bool createContainerIfMissing) : IFeedPublisher
{
    public const string ContainerName = "feeds";

    // The platforms fetch a feed a few times a day; a quarter of an hour at the CDN keeps a new feed from waiting long.
    public const string CacheControl = "public, max-age=900";

    private readonly BlobContainerClient _container = service.GetBlobContainerClient(ContainerName);
    private volatile bool _exists = !createContainerIfMissing;

    public async Task<string> PublishAsync(string fileName, byte[] content, string contentType, CancellationToken ct)
    {
        if (!_exists)
        {
            await _container.CreateIfNotExistsAsync(PublicAccessType.Blob, cancellationToken: ct);
            _exists = true;
        }
        // One upload replaces the blob whole: a platform fetching meanwhile gets the old feed or the new one, never half.
        await _container.GetBlobClient(fileName).UploadAsync(new BinaryData(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = CacheControl },
        }, ct);
        return $"{publicBaseUrl.TrimEnd('/')}/{fileName}";
    }
}

/// <summary>The last run's report, one document in the <c>marketing-feeds</c> container.</summary>
public sealed class CosmosFeedRunStore(CosmosClient client, CosmosOptions options) : IFeedRunStore
{
    public const string ContainerName = "marketing-feeds";
    private const string LastRunId = "last-run";

    private Container Runs => client.GetDatabase(options.DatabaseName).GetContainer(ContainerName);

    public async Task<FeedRunReport?> FindLastAsync(CancellationToken ct)
    {
        // A query rather than a point read: the emulator answers a read of a missing item with 500 (docs/cosmos-emulator.md).
        var query = new QueryDefinition("SELECT * FROM c WHERE c.id = @id").WithParameter("@id", LastRunId);
        using var feed = Runs.GetItemQueryIterator<RunDocument>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(LastRunId) });
        while (feed.HasMoreResults)
            foreach (var doc in await feed.ReadNextAsync(ct)) return doc.Report;
        return null;
    }

    public Task SaveLastAsync(FeedRunReport report, CancellationToken ct) =>
        Runs.UpsertItemAsync(new RunDocument(LastRunId, "feed-run", report), new PartitionKey(LastRunId), cancellationToken: ct);

    private sealed record RunDocument(string Id, string Type, FeedRunReport Report);
}

/// <summary>The catalog for the feeds: a query over the <c>products</c> container (the feed reads every product once per run).</summary>
public sealed class CosmosFeedCatalogReader(ShopContainers containers) : IFeedCatalogReader
{
    public async Task<IReadOnlyList<Product>> ListActiveProductsAsync(CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT VALUE c.product FROM c WHERE c.type = @type AND c.product.status = @status")
            .WithParameter("@type", "product").WithParameter("@status", "active");
        var products = new List<Product>();
        using var feed = containers.Products.GetItemQueryIterator<Product>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 500 });
        while (feed.HasMoreResults) products.AddRange(await feed.ReadNextAsync(ct));
        return products;
    }

    // TOP 1: one id is all it takes (the emulator has no COUNT, docs/cosmos-emulator.md). Times are stored as ISO 8601
    // text in UTC, so text order is time order.
    public async Task<bool> AnyProductChangedSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT TOP 1 VALUE c.id FROM c WHERE c.type = @type AND c.product.updatedAt > @since")
            .WithParameter("@type", "product").WithParameter("@since", since.ToUniversalTime());
        using var feed = containers.Products.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1 });
        while (feed.HasMoreResults)
            if ((await feed.ReadNextAsync(ct)).Any()) return true;
        return false;
    }
}
