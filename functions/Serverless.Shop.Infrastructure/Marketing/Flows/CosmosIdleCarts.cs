using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Infrastructure.Carts;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Flows;

/// <summary>
/// The abandoned-cart flow's view of the <c>carts</c> container: a cross-partition query on the top-level fields every
/// cart save writes (<c>lineCount</c>, <c>changedAt</c>, <c>remindersSent</c>), so a run reads only the carts that are due,
/// and a conditional patch (If-Match) that claims a reminder. The patch also sets the item's TTL to what is left of the
/// cart's inactivity window: a patch restarts the TTL clock, and a reminder must not keep a cart alive longer.
/// </summary>
public sealed class CosmosIdleCarts(ShopContainers containers) : IIdleCarts
{
    private const int PageSize = 100;

    public async IAsyncEnumerable<IdleCart> ListDueAsync(IdleCartQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var windows = query.Windows.Select((w, i) =>
            $"(c.remindersSent = {i} AND c.changedAt >= @from{i} AND c.changedAt < @to{i})");
        var sql = $"SELECT * FROM c WHERE c.type = @type AND c.lineCount > 0 AND ({string.Join(" OR ", windows)})";
        var definition = new QueryDefinition(sql).WithParameter("@type", CosmosCartStore.CartDocument.Kind);
        for (var i = 0; i < query.Windows.Count; i++)
        {
            definition = definition.WithParameter($"@from{i}", query.Windows[i].From.ToUnixTimeSeconds()).WithParameter($"@to{i}", query.Windows[i].To.ToUnixTimeSeconds());
        }

        using var pages = containers.Carts.GetItemQueryIterator<CosmosCartStore.CartDocument>(definition, requestOptions: new QueryRequestOptions { MaxItemCount = PageSize });
        while (pages.HasMoreResults)
        {
            foreach (var document in await pages.ReadNextAsync(ct))
            {
                if (document.Cart is { } cart && document.ETag is { } etag) yield return new IdleCart(cart, etag, document.RemindersSent);
            }
        }
    }

    public async Task<bool> TryMarkAsync(IdleCart cart, int remindersSent, string? restoreTokenHash, DateTimeOffset now, CancellationToken ct)
    {
        var left = Math.Max(1, (int)Math.Ceiling((cart.Cart.ExpiresAt - now).TotalSeconds));
        List<PatchOperation> operations = [PatchOperation.Set("/remindersSent", remindersSent), PatchOperation.Set("/ttl", left)];
        if (restoreTokenHash is not null) operations.Add(PatchOperation.Set("/cart/restoreTokenHash", restoreTokenHash));
        try
        {
            await containers.Carts.PatchItemAsync<CosmosCartStore.CartDocument>(cart.Cart.Id, new PartitionKey(cart.Cart.Id), operations,
                new PatchItemRequestOptions { IfMatchEtag = cart.Version }, ct);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
