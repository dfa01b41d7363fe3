using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Infrastructure.Carts;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Behaviour;

/// <summary>
/// Abandoned carts: found in the <c>carts</c> container (a cross-partition query on the top-level fields every cart
/// save writes, <c>lineCount</c> and <c>changedAt</c>, as the abandoned-cart flow's CosmosIdleCarts does; this store
/// never writes a cart), and counted in <c>analytics-behaviour</c> as
/// <c>{ id: "abandoned-&lt;cartId&gt;-&lt;last change, Unix s&gt;", partition: "abandoned|2026-12-07", type: "abandoned-cart", day, cartId, customerId, recovered, record: {...} }</c>,
/// one partition per day the carts went idle. Counting is a create (409: counted already); recovery a patch that holds
/// only while the record has none. Reads by range are one cross-partition query on <c>day</c>; by cart or customer one
/// query on those fields. Tests: AbandonedCartCountingTests.
/// </summary>
public sealed class CosmosAbandonedCartStore(ShopContainers containers) : IAbandonedCartStore
{
    private const string Kind = "abandoned-cart";
    private const int MaximumAttempts = 8;

    private Container Container => containers.DataKeys.Database.GetContainer(CosmosBehaviourStore.ContainerName);

    public async IAsyncEnumerable<IdleCartSnapshot> ListIdleCartsAsync(DateTimeOffset changedFrom, DateTimeOffset changedBefore, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.lineCount > 0 AND c.changedAt >= @from AND c.changedAt < @to")
            .WithParameter("@type", CosmosCartStore.CartDocument.Kind)
            .WithParameter("@from", changedFrom.ToUnixTimeSeconds()).WithParameter("@to", changedBefore.ToUnixTimeSeconds());
        using var pages = containers.Carts.GetItemQueryIterator<CosmosCartStore.CartDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 100 });
        while (pages.HasMoreResults)
        {
            foreach (var document in await pages.ReadNextAsync(ct))
            {
                if (document.Cart is { } cart) yield return new IdleCartSnapshot(cart, document.RemindersSent);
            }
        }
    }

    public async Task<IReadOnlySet<string>> CountedAsync(IReadOnlyList<(string Id, DateOnly Day)> carts, CancellationToken ct)
    {
        if (carts.Count == 0) return new HashSet<string>();
        var found = await Container.ReadManyItemsAsync<IdOnly>([.. carts.Select(c => (c.Id, new PartitionKey(Partition(c.Day))))], cancellationToken: ct);
        return found.Resource.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<bool> CountAsync(AbandonedCart cart, CancellationToken ct)
    {
        try
        {
            await Container.CreateItemAsync(Document.Of(cart), new PartitionKey(Partition(cart.Day)), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            return true;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            return false;
        }
    }

    public Task<IReadOnlyList<AbandonedCart>> ListAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        QueryAsync(new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.day >= @from AND c.day < @to")
            .WithParameter("@type", Kind).WithParameter("@from", CosmosBehaviourStore.Text(from)).WithParameter("@to", CosmosBehaviourStore.Text(to)), ct);

    public Task<IReadOnlyList<AbandonedCart>> ForCartAsync(string cartId, CancellationToken ct) =>
        QueryAsync(new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.cartId = @cartId").WithParameter("@type", Kind).WithParameter("@cartId", cartId), ct);

    public Task<IReadOnlyList<AbandonedCart>> ForCustomerAsync(string customerId, CancellationToken ct) =>
        QueryAsync(new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.customerId = @customerId").WithParameter("@type", Kind).WithParameter("@customerId", customerId), ct);

    public async Task<bool> MarkRecoveredAsync(AbandonedCart cart, CartRecovery recovery, CancellationToken ct)
    {
        try
        {
            await Container.PatchItemAsync<Document>(cart.Id, new PartitionKey(Partition(cart.Day)),
                [PatchOperation.Set("/record/recovery", recovery), PatchOperation.Set("/recovered", true)],
                new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE NOT IS_DEFINED(c.record.recovery)", EnableContentResponseOnWrite = false }, ct);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task ForgetOwnerAsync(AbandonedCart cart, CancellationToken ct)
    {
        var key = new PartitionKey(Partition(cart.Day));
        for (var attempt = 1; ; attempt++)
        {
            ItemResponse<Document> read;
            try
            {
                read = await Container.ReadItemAsync<Document>(cart.Id, key, cancellationToken: ct);
            }
            catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
            {
                return;
            }
            var forgotten = read.Resource with { CustomerId = null, Record = read.Resource.Record with { CustomerId = null, ContactOrderNumber = null } };
            try
            {
                await Container.ReplaceItemAsync(forgotten, cart.Id, key, new ItemRequestOptions { IfMatchEtag = read.ETag, EnableContentResponseOnWrite = false }, ct);
                return;
            }
            catch (CosmosException e) when (attempt < MaximumAttempts && e.Is(HttpStatusCode.PreconditionFailed))
            {
                // Recovered meanwhile: forget the owner on the new version.
            }
        }
    }

    private async Task<IReadOnlyList<AbandonedCart>> QueryAsync(QueryDefinition query, CancellationToken ct)
    {
        var all = new List<AbandonedCart>();
        using var pages = Container.GetItemQueryIterator<Document>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1000 });
        while (pages.HasMoreResults)
            all.AddRange((await pages.ReadNextAsync(ct)).Select(d => d.Record));
        return all;
    }

    private static string Partition(DateOnly day) => "abandoned|" + CosmosBehaviourStore.Text(day);

    private sealed record IdOnly(string Id);

    private sealed record Document
    {
        public required string Id { get; init; }
        public required string Partition { get; init; }
        public required string Type { get; init; }
        public required string Day { get; init; }
        public required string CartId { get; init; }
        public string? CustomerId { get; init; }
        public bool Recovered { get; init; }
        public required AbandonedCart Record { get; init; }

        public static Document Of(AbandonedCart cart) => new()
        {
            Id = cart.Id, Partition = CosmosAbandonedCartStore.Partition(cart.Day), Type = Kind, Day = CosmosBehaviourStore.Text(cart.Day),
            CartId = cart.CartId, CustomerId = cart.CustomerId, Recovered = cart.Recovery is not null, Record = cart,
        };
    }
}
