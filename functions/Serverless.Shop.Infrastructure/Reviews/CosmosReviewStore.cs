using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Reviews;

/// <summary>
/// Reviews in the <c>reviews</c> container, partition key <c>/productId</c>: a product's reviews are listed, and its
/// rating computed, by single-partition queries. One document per review,
/// <c>{ id: Review.IdFor(product, author), type: "review", productId, authorKey, status, rating, helpfulVotes, createdAt, updatedAt, sealed, review }</c>,
/// the top-level fields being what queries filter and sort on (times as Unix milliseconds). The id is derived from the
/// product and the author, so creating it is the "one review per author per product" check Cosmos DB enforces (409).
/// The author's display name is sealed with their data key (customer, or guest order) before it is written; the
/// other fields are what the author published. Invitation markers <c>{ id: "invitation:&lt;order&gt;", productId: (the same) }</c>
/// sit in their own partitions. Cosmos DB calls: a listing page = 1 query + 1 data-key read per author not in the key cache.
/// </summary>
public sealed class CosmosReviewStore(ShopContainers containers, IPersonalDataVault vault) : IReviewStore
{
    private Container Reviews => containers.Reviews;

    public async Task<Versioned<Review>?> FindAsync(string productId, string reviewId, CancellationToken ct)
    {
        try
        {
            var response = await Reviews.ReadItemAsync<ReviewDocument>(reviewId, new PartitionKey(productId), cancellationToken: ct);
            if (response.Resource.Type != ReviewDocument.Kind) return null;
            return new(await OpenAsync(response.Resource.Review, ct), response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> CreateAsync(Review review, CancellationToken ct)
    {
        var document = await SealAsync(review, ct);
        try
        {
            var response = await Reviews.CreateItemAsync(document, new PartitionKey(review.ProductId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            throw new DuplicateResourceException("review", "This author has already reviewed this product.");
        }
    }

    public async Task<string> ReplaceAsync(Review review, string expectedVersion, CancellationToken ct)
    {
        var document = await SealAsync(review, ct);
        try
        {
            var response = await Reviews.ReplaceItemAsync(document, document.Id, new PartitionKey(review.ProductId),
                new ItemRequestOptions { IfMatchEtag = expectedVersion, EnableContentResponseOnWrite = false }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            throw new StaleVersionException("Review");
        }
    }

    public async Task DeleteAsync(string productId, string reviewId, CancellationToken ct)
    {
        try
        {
            await Reviews.DeleteItemAsync<ReviewDocument>(reviewId, new PartitionKey(productId), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
        }
    }

    public async Task<Page<Review>> ListApprovedAsync(string productId, ReviewSort sort, PageRequest page, CancellationToken ct)
    {
        var orderBy = sort switch
        {
            ReviewSort.MostHelpful => "c.helpfulVotes DESC",
            ReviewSort.HighestRating => "c.rating DESC",
            ReviewSort.LowestRating => "c.rating ASC",
            _ => "c.createdAt DESC",
        };
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.productId = @productId AND c.type = @type AND c.status = @status ORDER BY {orderBy}")
            .WithParameter("@productId", productId).WithParameter("@type", ReviewDocument.Kind).WithParameter("@status", StatusName(ReviewStatus.Approved));
        return await ReadPageAsync(query, page, new PartitionKey(productId), ct);
    }

    public async Task<IReadOnlyList<int>> ApprovedRatingsAsync(string productId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT VALUE c.rating FROM c WHERE c.productId = @productId AND c.type = @type AND c.status = @status")
            .WithParameter("@productId", productId).WithParameter("@type", ReviewDocument.Kind).WithParameter("@status", StatusName(ReviewStatus.Approved));
        var ratings = new List<int>();
        using var feed = Reviews.GetItemQueryIterator<int>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(productId), MaxItemCount = 1000 });
        while (feed.HasMoreResults) ratings.AddRange(await feed.ReadNextAsync(ct));
        return ratings;
    }

    public Task<Page<Review>> ListPendingAsync(PageRequest page, CancellationToken ct) =>
        ReadPageAsync(new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.status = @status ORDER BY c.updatedAt ASC")
            .WithParameter("@type", ReviewDocument.Kind).WithParameter("@status", StatusName(ReviewStatus.Pending)), page, null, ct);

    public async Task<IReadOnlyList<Review>> ListByAuthorAsync(string authorKey, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.authorKey = @author ORDER BY c.createdAt DESC")
            .WithParameter("@type", ReviewDocument.Kind).WithParameter("@author", authorKey);
        var documents = new List<ReviewDocument>();
        using var feed = Reviews.GetItemQueryIterator<ReviewDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = PageRequest.MaximumSize });
        while (feed.HasMoreResults) documents.AddRange(await feed.ReadNextAsync(ct));
        return await OpenAllAsync(documents, ct);
    }

    public async Task<bool> WasInvitedAsync(string orderNumber, CancellationToken ct)
    {
        var id = InvitationDocument.IdFor(orderNumber);
        try
        {
            await Reviews.ReadItemAsync<InvitationDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return true;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return false;
        }
    }

    public async Task RecordInvitationAsync(string orderNumber, DateTimeOffset sentAt, CancellationToken ct)
    {
        var id = InvitationDocument.IdFor(orderNumber);
        await Reviews.UpsertItemAsync(new InvitationDocument(id, InvitationDocument.Kind, id, orderNumber, sentAt), new PartitionKey(id),
            new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
    }

    private async Task<Page<Review>> ReadPageAsync(QueryDefinition query, PageRequest page, PartitionKey? partition, CancellationToken ct)
    {
        using var feed = Reviews.GetItemQueryIterator<ReviewDocument>(query, page.ContinuationToken,
            new QueryRequestOptions { MaxItemCount = page.Size, PartitionKey = partition });
        try
        {
            var response = await feed.ReadNextAsync(ct);
            return new Page<Review>(await OpenAllAsync(response.ToList(), ct), response.ContinuationToken);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued for this listing.");
        }
    }

    private async Task<ReviewDocument> SealAsync(Review review, CancellationToken ct)
    {
        var key = await vault.OpenAsync(review.Author(), createIfMissing: true, ct);
        return ReviewDocument.From(review with { DisplayName = key.Seal(review.DisplayName)! });
    }

    private async Task<Review> OpenAsync(Review stored, CancellationToken ct)
    {
        var key = await vault.OpenAsync(stored.Author(), createIfMissing: false, ct);
        return stored with { DisplayName = key.Unseal(stored.DisplayName) ?? PersonalData.Erased };
    }

    // One data-key read per author, all at once (most come from the vault's cache).
    private async Task<IReadOnlyList<Review>> OpenAllAsync(IReadOnlyList<ReviewDocument> documents, CancellationToken ct)
    {
        var reviews = documents.Where(d => d.Type == ReviewDocument.Kind).Select(d => d.Review).ToList();
        var keys = (await Task.WhenAll(reviews.Select(r => r.Author()).Distinct().Select(o => vault.OpenAsync(o, createIfMissing: false, ct))))
            .ToDictionary(k => k.Owner);
        return [.. reviews.Select(r => r with { DisplayName = keys[r.Author()].Unseal(r.DisplayName) ?? PersonalData.Erased })];
    }

    private static string StatusName(ReviewStatus status) =>
        System.Text.Json.JsonSerializer.Serialize(status, ShopJson.Options).Trim('"');

    internal sealed record ReviewDocument
    {
        public const string Kind = "review";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string ProductId { get; init; }
        public required string AuthorKey { get; init; }
        public required ReviewStatus Status { get; init; }
        public required int Rating { get; init; }
        public required int HelpfulVotes { get; init; }
        public required long CreatedAt { get; init; }
        public required long UpdatedAt { get; init; }

        /// <summary>The sealing scheme (the display name is sealed with the author's data key).</summary>
        public int Sealed { get; init; } = 1;

        public required Review Review { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }

        public static ReviewDocument From(Review review) => new()
        {
            Id = review.Id,
            Type = Kind,
            ProductId = review.ProductId,
            AuthorKey = review.AuthorKey(),
            Status = review.Status,
            Rating = review.Rating,
            HelpfulVotes = review.HelpfulVotes,
            CreatedAt = review.CreatedAt.ToUnixTimeMilliseconds(),
            UpdatedAt = review.UpdatedAt.ToUnixTimeMilliseconds(),
            Review = review,
        };
    }

    internal sealed record InvitationDocument(string Id, string Type, string ProductId, string OrderNumber, DateTimeOffset SentAt)
    {
        public const string Kind = "review-invitation";

        public static string IdFor(string orderNumber) => "invitation:" + orderNumber;
    }
}
