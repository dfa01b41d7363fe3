using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Audiences;

/// <summary>
/// Newsletter subscriptions in <c>marketing-audiences</c>, one document per address (<see cref="AudienceContainer"/>).
/// The address is sealed with the subscription's own data key (owner <see cref="DataOwner.MarketingContact"/>), so
/// erasing it leaves nothing readable in any copy. Cosmos DB calls: find = 1 (+ the data key, cached), save = 1, the
/// confirmed list = 1 query page per page. Tests: MarketingAudienceStoreTests.
/// </summary>
public sealed class CosmosNewsletterSubscriberStore(ShopContainers containers, IPersonalDataVault vault) : INewsletterSubscriberStore
{
    private Container Container => AudienceContainer.Of(containers);

    public async Task<Versioned<NewsletterSubscriber>?> FindAsync(string key, CancellationToken ct)
    {
        var id = AudienceContainer.SubscriberId(key);
        try
        {
            var response = await Container.ReadItemAsync<SubscriberDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return new(await OpenAsync(response.Resource, ct), response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> SaveAsync(NewsletterSubscriber subscriber, string? expectedVersion, CancellationToken ct)
    {
        var key = await vault.OpenAsync(DataOwner.MarketingContact(subscriber.DataOwnerId), createIfMissing: true, ct);
        var document = new SubscriberDocument
        {
            Id = AudienceContainer.SubscriberId(subscriber.Key), Type = SubscriberDocument.Kind, Key = subscriber.Key,
            Email = key.Seal(subscriber.Email)!, DataOwnerId = subscriber.DataOwnerId, Status = subscriber.Status,
            Language = subscriber.Language, Source = subscriber.Source, CustomerId = subscriber.CustomerId, CreatedAt = subscriber.CreatedAt,
            ConfirmationSentAt = subscriber.ConfirmationSentAt, ConfirmedAt = subscriber.ConfirmedAt, UnsubscribedAt = subscriber.UnsubscribedAt,
        };
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = expectedVersion };
        try
        {
            var response = expectedVersion is null
                ? await Container.CreateItemAsync(document, new PartitionKey(document.Id), options, ct)
                : await Container.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Id), options, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.Conflict) || e.Is(HttpStatusCode.NotFound))
        {
            throw new StaleVersionException("Subscription");
        }
    }

    public async IAsyncEnumerable<IReadOnlyList<NewsletterSubscriber>> ConfirmedPagesAsync(int pageSize, string? afterKey, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.type = @type AND c.status = @status{(afterKey is null ? "" : " AND c.key > @after")} ORDER BY c.key")
            .WithParameter("@type", SubscriberDocument.Kind).WithParameter("@status", "confirmed");
        if (afterKey is not null) query = query.WithParameter("@after", afterKey);
        await foreach (var page in AudienceContainer.PagesAsync<SubscriberDocument>(Container, query, pageSize, ct))
        {
            var opened = new List<NewsletterSubscriber>(page.Count);
            foreach (var document in page) opened.Add(await OpenAsync(document, ct));
            yield return opened;
        }
    }

    public async Task<IReadOnlyList<NewsletterSubscriber>> ListByCustomerAsync(string customerId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.customerId = @customer")
            .WithParameter("@type", SubscriberDocument.Kind).WithParameter("@customer", customerId);
        var found = new List<NewsletterSubscriber>();
        foreach (var document in await AudienceContainer.AllAsync<SubscriberDocument>(Container, query, ct)) found.Add(await OpenAsync(document, ct));
        return found;
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        var id = AudienceContainer.SubscriberId(key);
        try
        {
            await Container.DeleteItemAsync<SubscriberDocument>(id, new PartitionKey(id), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
        }
    }

    private async Task<NewsletterSubscriber> OpenAsync(SubscriberDocument document, CancellationToken ct)
    {
        var key = await vault.OpenAsync(DataOwner.MarketingContact(document.DataOwnerId), createIfMissing: false, ct);
        return new NewsletterSubscriber
        {
            Key = document.Key, Email = key.Unseal(document.Email) ?? PersonalData.Erased, DataOwnerId = document.DataOwnerId, Status = document.Status,
            Language = document.Language, Source = document.Source, CustomerId = document.CustomerId, CreatedAt = document.CreatedAt,
            ConfirmationSentAt = document.ConfirmationSentAt, ConfirmedAt = document.ConfirmedAt, UnsubscribedAt = document.UnsubscribedAt,
        };
    }

    internal sealed record SubscriberDocument
    {
        public const string Kind = "subscriber";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string Key { get; init; }

        /// <summary>The address, sealed with the data key of <see cref="DataOwnerId"/>.</summary>
        public required string Email { get; init; }

        public required string DataOwnerId { get; init; }
        public required SubscriberStatus Status { get; init; }
        public string? Language { get; init; }
        public string? Source { get; init; }
        public string? CustomerId { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? ConfirmationSentAt { get; init; }
        public DateTimeOffset? ConfirmedAt { get; init; }
        public DateTimeOffset? UnsubscribedAt { get; init; }
    }
}
