using System.Net;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Audiences;

/// <summary>
/// The suppression list in <c>marketing-audiences</c>, one document per address (<see cref="AudienceContainer"/>),
/// written with its ETag so that two reasons arriving at once (a bounce and an unsubscribe) both stay. Cosmos DB calls:
/// find = 1, a page of keys checked = 1 ReadMany, add = 1 read and 1 write, the counts = one query page per 1000 entries
/// (the emulator cannot aggregate, so they are counted in code: docs/cosmos-emulator.md). Tests: SuppressionApiTests,
/// AudienceConcurrencyTests.
/// </summary>
public sealed class CosmosSuppressionList(ShopContainers containers, IPersonalDataVault vault) : ISuppressionList
{
    private const int MaximumAttempts = 8;

    private Container Container => AudienceContainer.Of(containers);

    public async Task<SuppressionEntry?> FindAsync(string key, CancellationToken ct) =>
        (await ReadAsync(key, ct)) is { } found ? await OpenAsync(found.Document, ct) : null;

    public async Task<IReadOnlySet<string>> SuppressedAmongAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return new HashSet<string>();
        var ids = keys.Distinct(StringComparer.Ordinal).Select(k => AudienceContainer.SuppressionId(k)).Select(id => (id, new PartitionKey(id))).ToList();
        var found = await Container.ReadManyItemsAsync<KeyOnly>(ids, cancellationToken: ct);
        return found.Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
    }

    public async Task AddAsync(string key, string? email, string? customerId, SuppressionRecord record, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadAsync(key, ct);
            var current = existing?.Document;
            var hasReason = current?.Reasons.Any(r => r.Reason == record.Reason) == true;
            var needsEmail = email is not null && current?.Email is null;
            var needsCustomer = customerId is not null && current?.CustomerId is null;
            if (hasReason && !needsEmail && !needsCustomer) return;

            var owner = current?.DataOwnerId ?? (email is null ? null : Ids.New("sup"));
            var sealedEmail = current?.Email;
            if (needsEmail) sealedEmail = (await vault.OpenAsync(DataOwner.MarketingContact(owner!), createIfMissing: true, ct)).Seal(email!.Trim());
            var document = new SuppressionDocument
            {
                Id = AudienceContainer.SuppressionId(key), Type = SuppressionDocument.Kind, Key = key,
                Email = sealedEmail, DataOwnerId = owner, CustomerId = current?.CustomerId ?? customerId,
                Reasons = hasReason ? current!.Reasons : [.. current?.Reasons ?? [], record],
            };
            try
            {
                if (existing is null) await Container.CreateItemAsync(document, new PartitionKey(document.Id), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
                else await Container.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Id), new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = existing.Value.ETag }, ct);
                return;
            }
            catch (CosmosException e) when (attempt < MaximumAttempts && (e.Is(HttpStatusCode.Conflict) || e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound)))
            {
                // Written by another event at the same moment: read again and add to theirs.
            }
        }
    }

    public async Task<bool> RemoveAsync(string key, CancellationToken ct)
    {
        var id = AudienceContainer.SuppressionId(key);
        try
        {
            await Container.DeleteItemAsync<SuppressionDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return true;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return false;
        }
    }

    public async Task RemoveReasonAsync(string key, SuppressionReason reason, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await ReadAsync(key, ct) is not { } existing || existing.Document.Reasons.All(r => r.Reason != reason)) return;
            var left = existing.Document.Reasons.Where(r => r.Reason != reason).ToList();
            var options = new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = existing.ETag };
            try
            {
                if (left.Count == 0) await Container.DeleteItemAsync<SuppressionDocument>(existing.Document.Id, new PartitionKey(existing.Document.Id), options, ct);
                else await Container.ReplaceItemAsync(existing.Document with { Reasons = left }, existing.Document.Id, new PartitionKey(existing.Document.Id), options, ct);
                return;
            }
            catch (CosmosException e) when (attempt < MaximumAttempts && (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound)))
            {
            }
        }
    }

    public async Task<Page<SuppressionEntry>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type ORDER BY c.key").WithParameter("@type", SuppressionDocument.Kind);
        using var feed = Container.GetItemQueryIterator<SuppressionDocument>(query, page.ContinuationToken, new QueryRequestOptions { MaxItemCount = page.Size });
        if (!feed.HasMoreResults) return new Page<SuppressionEntry>([], null);
        FeedResponse<SuppressionDocument> response;
        try
        {
            response = await feed.ReadNextAsync(ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this listing gave out.");
        }
        var items = new List<SuppressionEntry>(response.Count);
        foreach (var document in response) items.Add(await OpenAsync(document, ct));
        return new Page<SuppressionEntry>(items, response.ContinuationToken);
    }

    public async Task<(int Total, IReadOnlyDictionary<SuppressionReason, int> ByReason)> CountAsync(CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT c.reasons FROM c WHERE c.type = @type").WithParameter("@type", SuppressionDocument.Kind);
        var (total, byReason) = (0, new Dictionary<SuppressionReason, int>());
        await foreach (var page in AudienceContainer.PagesAsync<ReasonsOnly>(Container, query, 1000, ct))
            foreach (var entry in page)
            {
                total++;
                foreach (var reason in entry.Reasons.Select(r => r.Reason).Distinct())
                    byReason[reason] = byReason.GetValueOrDefault(reason) + 1;
            }
        return (total, byReason);
    }

    public async Task<IReadOnlyList<SuppressionEntry>> ListByCustomerAsync(string customerId, CancellationToken ct)
    {
        var entries = new List<SuppressionEntry>();
        foreach (var document in await ByCustomerAsync(customerId, ct)) entries.Add(await OpenAsync(document, ct));
        return entries;
    }

    public async Task ForgetCustomerAsync(string customerId, CancellationToken ct)
    {
        foreach (var document in await ByCustomerAsync(customerId, ct))
        {
            try
            {
                await Container.ReplaceItemAsync(document with { Email = null, DataOwnerId = null, CustomerId = null }, document.Id, new PartitionKey(document.Id),
                    new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = document.ETag }, ct);
            }
            catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
            {
                // Changed meanwhile: the erasure runs again on a repeated request; the address is unreadable already (its key is gone).
            }
        }
    }

    private Task<IReadOnlyList<SuppressionDocument>> ByCustomerAsync(string customerId, CancellationToken ct) =>
        AudienceContainer.AllAsync<SuppressionDocument>(Container, new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.customerId = @customer")
            .WithParameter("@type", SuppressionDocument.Kind).WithParameter("@customer", customerId), ct);

    private async Task<(SuppressionDocument Document, string ETag)?> ReadAsync(string key, CancellationToken ct)
    {
        var id = AudienceContainer.SuppressionId(key);
        try
        {
            var response = await Container.ReadItemAsync<SuppressionDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return (response.Resource, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    private async Task<SuppressionEntry> OpenAsync(SuppressionDocument document, CancellationToken ct)
    {
        string? email = null;
        if (document is { Email: { } sealedEmail, DataOwnerId: { } owner })
        {
            var opened = (await vault.OpenAsync(DataOwner.MarketingContact(owner), createIfMissing: false, ct)).Unseal(sealedEmail);
            email = opened == PersonalData.Erased ? null : opened;
        }
        return new SuppressionEntry { Key = document.Key, Email = email, DataOwnerId = document.DataOwnerId, CustomerId = document.CustomerId, Reasons = document.Reasons };
    }

    internal sealed record KeyOnly(string Key);

    internal sealed record ReasonsOnly(IReadOnlyList<SuppressionRecord> Reasons);

    internal sealed record SuppressionDocument
    {
        public const string Kind = "suppression";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string Key { get; init; }

        /// <summary>The address, sealed with the data key of <see cref="DataOwnerId"/>; absent when the shop never knew it.</summary>
        public string? Email { get; init; }

        public string? DataOwnerId { get; init; }
        public string? CustomerId { get; init; }
        public required IReadOnlyList<SuppressionRecord> Reasons { get; init; }

        [System.Text.Json.Serialization.JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }
}
