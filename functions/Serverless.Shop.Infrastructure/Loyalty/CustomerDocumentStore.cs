using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Loyalty;

/// <summary>
/// One document per customer and kind in the <c>loyalty</c> container (partition key /id), id
/// <c>&lt;kind&gt;:&lt;SHA-256 of the customer id&gt;</c> (a token's subject may hold characters Cosmos DB ids may not),
/// read and written whole under its ETag, so every change to it is atomic without a transaction the emulator cannot run.
/// A due time at the top of the document (Unix seconds) is what a timer's one cross-partition query filters on.
/// Cosmos DB calls: read = 1, write = 1, delete = 1, the due list = 1 query page.
/// </summary>
/// <param name="kind">The documents' <c>type</c> and id prefix.</param>
/// <param name="dueField">The document's top-level field holding the due time.</param>
/// <param name="what">What the document is, for the conflict's message.</param>
public abstract class CustomerDocumentStore<TValue, TDocument>(ShopContainers containers, string kind, string dueField, string what)
    where TDocument : class
{
    private Container Loyalty => containers.Loyalty;

    public static string IdFor(string kind, string customerId) =>
        kind + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)));

    protected abstract TValue ValueOf(TDocument document);

    protected abstract TDocument DocumentOf(TValue value);

    protected abstract string IdOf(TDocument document);

    public async Task<Versioned<TValue>?> FindAsync(string customerId, CancellationToken ct)
    {
        var id = IdFor(kind, customerId);
        try
        {
            var response = await Loyalty.ReadItemAsync<TDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return new(ValueOf(response.Resource), response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    /// <summary>Creates the document when <paramref name="expectedVersion"/> is null, else replaces that version.</summary>
    /// <exception cref="StaleVersionException">Someone else wrote it first (or created it first).</exception>
    public async Task SaveAsync(TValue value, string? expectedVersion, CancellationToken ct)
    {
        var document = DocumentOf(value);
        var id = IdOf(document);
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = expectedVersion };
        try
        {
            if (expectedVersion is null) await Loyalty.CreateItemAsync(document, new PartitionKey(id), options, ct);
            else await Loyalty.ReplaceItemAsync(document, id, new PartitionKey(id), options, ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.Conflict))
        {
            throw new StaleVersionException(what);
        }
    }

    /// <summary>Customers whose document has its due time at or before <paramref name="now"/>, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var query = new QueryDefinition($"SELECT TOP @max VALUE c.customerId FROM c WHERE c.type = @type AND c.{dueField} <= @now")
            .WithParameter("@max", max).WithParameter("@type", kind).WithParameter("@now", now.ToUnixTimeSeconds());
        var due = new List<string>();
        using var feed = Loyalty.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (feed.HasMoreResults && due.Count < max) due.AddRange(await feed.ReadNextAsync(ct));
        return due;
    }

    /// <summary>Deletes the customer's document; none is fine.</summary>
    public async Task DeleteAsync(string customerId, CancellationToken ct)
    {
        var id = IdFor(kind, customerId);
        try
        {
            await Loyalty.DeleteItemAsync<TDocument>(id, new PartitionKey(id), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
        }
    }
}
