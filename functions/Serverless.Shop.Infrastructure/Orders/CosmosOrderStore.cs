using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Orders;

/// <summary>
/// Orders in the <c>orders</c> container, partition key /id = the order number: reading or changing an order is one
/// point operation, and creating one with a number in use fails (409), which is how numbers stay unique. Listings are
/// cross-partition queries over fields kept at the top of the document (customer, email, status, creation time) that
/// return the precomputed summary, never the whole order.
/// </summary>
/// <remarks>
/// Personal fields are sealed with the owner's data key on every write and opened on every read
/// (<see cref="SealedOrders"/>), and the email is searched by its blind index, so no document holds a plain personal
/// value. A document written before sealing existed (no <c>sealed</c> field) is read as it is and sealed by its next write.
/// </remarks>
public sealed class CosmosOrderStore(ShopContainers containers, IPersonalDataVault vault) : IOrderStore
{
    private Container Orders => containers.Orders;

    public async Task<Versioned<Order>?> FindAsync(string number, CancellationToken ct)
    {
        try
        {
            var response = await Orders.ReadItemAsync<OrderDocument>(number, new PartitionKey(number), cancellationToken: ct);
            var order = response.Resource.Order;
            if (response.Resource.Sealed is null) return new(order, response.ETag);
            return new(SealedOrders.Unseal(order, await vault.OpenAsync(SealedOrders.OwnerOf(order), createIfMissing: false, ct)), response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> CreateAsync(Order order, CancellationToken ct)
    {
        try
        {
            var response = await Orders.CreateItemAsync(await SealAsync(order, ct), new PartitionKey(order.Id), cancellationToken: ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            throw new DuplicateResourceException("number", $"There is already an order {order.Number}.");
        }
    }

    public async Task<string> SaveAsync(Order order, string expectedVersion, CancellationToken ct)
    {
        try
        {
            var response = await Orders.ReplaceItemAsync(await SealAsync(order, ct), order.Id, new PartitionKey(order.Id),
                new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            throw new StaleVersionException("Order");
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            throw new ResourceNotFoundException("Order", order.Number);
        }
    }

    // The key is made here when the owner has none: a first order, or a document from before sealing being written again.
    private async Task<OrderDocument> SealAsync(Order order, CancellationToken ct)
    {
        var key = await vault.OpenAsync(SealedOrders.OwnerOf(order), createIfMissing: true, ct);
        var emailIndex = key.IsErased ? null : await vault.BlindIndexAsync(BlindIndexKind.Email, order.Email, ct);
        return OrderDocument.From(SealedOrders.Seal(order, key), emailIndex);
    }

    public Task<Page<OrderSummary>> ListByCustomerAsync(string customerId, PageRequest page, CancellationToken ct) =>
        QueryAsync(new OrderSearch(CustomerId: customerId), page, ct);

    public Task<Page<OrderSummary>> SearchAsync(OrderSearch filter, PageRequest page, CancellationToken ct) => QueryAsync(filter, page, ct);

    public Task<Page<OrderSummary>> ListWithOpenRefundTasksAsync(PageRequest page, CancellationToken ct) =>
        FlaggedAsync("c.openRefundTask = true", page, ct);

    public Task<Page<OrderSummary>> ListNeedingReconciliationAsync(PageRequest page, CancellationToken ct) =>
        FlaggedAsync("c.needsReconciliation = true", page, ct);

    public Task<Page<OrderSummary>> ListAwaitingReturnParcelsAsync(PageRequest page, CancellationToken ct) =>
        FlaggedAsync("c.awaitsReturnParcel = true", page, ct);

    // The flags are kept at the top of the document so these listings read summaries of the few orders flagged, oldest first.
    private async Task<Page<OrderSummary>> FlaggedAsync(string condition, PageRequest page, CancellationToken ct)
    {
        var query = new QueryDefinition($"SELECT c.summary, c.sealed FROM c WHERE c.type = @type AND {condition} ORDER BY c.createdAt ASC")
            .WithParameter("@type", OrderDocument.Kind);
        return await ReadPageAsync(query, page, ct);
    }

    // TOP 1 rather than COUNT: the emulator has no aggregates (docs/cosmos-emulator.md), and one id is all it takes.
    public async Task<bool> HasPaidOrderAsync(string customerId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT TOP 1 VALUE c.id FROM c WHERE c.type = @type AND c.customerId = @customerId AND c.everPaid = true")
            .WithParameter("@type", OrderDocument.Kind).WithParameter("@customerId", customerId);
        using var feed = Orders.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1 });
        while (feed.HasMoreResults)
            if ((await feed.ReadNextAsync(ct)).Any()) return true;
        return false;
    }

    // An email is looked up by its blind index (and, for documents from before sealing, by the lower-case email they kept).
    private async Task<Page<OrderSummary>> QueryAsync(OrderSearch filter, PageRequest page, CancellationToken ct) =>
        await ReadPageAsync(OrderQueryBuilder.Build(filter, filter.Email is null ? null : await vault.BlindIndexAsync(BlindIndexKind.Email, filter.Email, ct)), page, ct);

    private async Task<Page<OrderSummary>> ReadPageAsync(QueryDefinition query, PageRequest page, CancellationToken ct)
    {
        using var feed = Orders.GetItemQueryIterator<SummaryRow>(query, page.ContinuationToken,
            new QueryRequestOptions { MaxItemCount = page.Size });
        try
        {
            var response = await feed.ReadNextAsync(ct);
            return new Page<OrderSummary>(await OpenAsync(response.ToList(), ct), response.ContinuationToken);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued for this listing.");
        }
    }

    // One key per owner on the page (a customer's listing opens one; a search may find several guests' orders).
    private async Task<IReadOnlyList<OrderSummary>> OpenAsync(IReadOnlyList<SummaryRow> rows, CancellationToken ct)
    {
        var owners = rows.Where(r => r.Sealed is not null).Select(r => SealedOrders.OwnerOf(r.Summary)).Distinct().ToList();
        var keys = (await Task.WhenAll(owners.Select(o => vault.OpenAsync(o, createIfMissing: false, ct)))).ToDictionary(k => k.Owner);
        return rows.Select(r => r.Sealed is null ? r.Summary : SealedOrders.Unseal(r.Summary, keys[SealedOrders.OwnerOf(r.Summary)])).ToList();
    }

    /// <summary>A listing's row: the summary, and whether its document is sealed.</summary>
    internal sealed record SummaryRow(OrderSummary Summary, int? Sealed);

    /// <summary>How an order is stored: the order, its summary for listings, and the fields queries filter on.</summary>
    internal sealed record OrderDocument
    {
        public const string Kind = "order";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public string? CustomerId { get; init; }

        /// <summary>
        /// The email's blind index (<see cref="BlindIndexKind.Email"/>), for a search that ignores case without the
        /// plain value; null once the owner was erased.
        /// </summary>
        public string? EmailIndex { get; init; }

        /// <summary>The plain lower-case email that documents from before sealing kept here; never written now.</summary>
        public string? EmailKey { get; init; }

        /// <summary><see cref="SealedOrders.Scheme"/> when the personal fields are sealed; null on a document from before.</summary>
        public int? Sealed { get; init; }

        public required OrderStatus Status { get; init; }

        public required PaymentMethod PaymentMethod { get; init; }

        /// <summary>UTC in one fixed format, so that text order is time order.</summary>
        public required string CreatedAt { get; init; }

        /// <summary>True once the order was paid, for ever (first-order promotions).</summary>
        public required bool EverPaid { get; init; }

        /// <summary>
        /// When it was paid and last changed, in the <see cref="CreatedAt"/> format, for a sales rebuild's search
        /// (<see cref="OrderSearch.PaidBefore"/>, <see cref="OrderSearch.UpdatedFrom"/>). A document written before these
        /// existed lacks them: that search then takes it in (a superset), until its next write.
        /// </summary>
        public string? PaidAt { get; init; }

        /// <inheritdoc cref="PaidAt"/>
        public string? UpdatedAt { get; init; }

        /// <summary>A refund waits for a person (<see cref="OrderPaymentRules.HasOpenRefundTask"/>): support's work list.</summary>
        public required bool OpenRefundTask { get; init; }

        /// <summary>The ledger and the status disagree (<see cref="OrderPaymentRules.NeedsAttention"/>): reconciliation looks at it.</summary>
        public required bool NeedsReconciliation { get; init; }

        /// <summary>
        /// An approved return waits for its parcel (<see cref="ReturnRules.AwaitsParcel"/>): the daily expiry reads these.
        /// Every return step rewrites the document, so an order approved before the flag existed gets it at its next write.
        /// </summary>
        public bool AwaitsReturnParcel { get; init; }

        public required OrderSummary Summary { get; init; }
        public required Order Order { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }

        /// <param name="sealedOrder">The order with its personal fields sealed (<see cref="SealedOrders.Seal"/>).</param>
        public static OrderDocument From(Order sealedOrder, string? emailIndex) => new()
        {
            Id = sealedOrder.Id,
            Type = Kind,
            CustomerId = sealedOrder.CustomerId,
            EmailIndex = emailIndex,
            Sealed = SealedOrders.Scheme,
            Status = sealedOrder.Status,
            PaymentMethod = sealedOrder.PaymentMethod,
            CreatedAt = Instant(sealedOrder.CreatedAt),
            EverPaid = sealedOrder.PaidAt is not null,
            PaidAt = sealedOrder.PaidAt is { } paidAt ? Instant(paidAt) : null,
            UpdatedAt = Instant(sealedOrder.UpdatedAt),
            OpenRefundTask = OrderPaymentRules.HasOpenRefundTask(sealedOrder),
            NeedsReconciliation = OrderPaymentRules.NeedsAttention(sealedOrder),
            AwaitsReturnParcel = ReturnRules.AwaitsParcel(sealedOrder),
            Summary = OrderSummary.Of(sealedOrder),
            Order = sealedOrder,
        };

        public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    }
}

/// <summary>Translates an <see cref="OrderSearch"/> to one parameterised query, newest first.</summary>
internal static class OrderQueryBuilder
{
    /// <param name="emailIndex">The blind index of <see cref="OrderSearch.Email"/>, when the search has one.</param>
    public static QueryDefinition Build(OrderSearch f, string? emailIndex = null)
    {
        var where = new List<string> { "c.type = @type" };
        var parameters = new Dictionary<string, object> { ["@type"] = CosmosOrderStore.OrderDocument.Kind };
        string Param(object value)
        {
            var name = "@p" + parameters.Count;
            parameters[name] = value;
            return name;
        }

        if (f.Number is not null) where.Add($"c.id = {Param(f.Number)}");
        if (f.CustomerId is not null) where.Add($"c.customerId = {Param(f.CustomerId)}");
        if (f.Email is not null)
            where.Add($"(c.emailIndex = {Param(emailIndex ?? throw new ArgumentNullException(nameof(emailIndex), "An email is searched by its blind index."))} OR c.emailKey = {Param(PersonalData.Normalise(BlindIndexKind.Email, f.Email))})");
        if (f.Status is { } status) where.Add($"c.status = {Param(System.Text.Json.JsonSerializer.Serialize(status, ShopJson.Options).Trim('"'))}");
        if (f.PaymentMethod is { } method) where.Add($"c.paymentMethod = {Param(System.Text.Json.JsonSerializer.Serialize(method, ShopJson.Options).Trim('"'))}");
        if (f.CreatedFrom is { } from) where.Add($"c.createdAt >= {Param(CosmosOrderStore.OrderDocument.Instant(from))}");
        if (f.CreatedTo is { } to) where.Add($"c.createdAt < {Param(CosmosOrderStore.OrderDocument.Instant(to))}");
        // A paid order written before paidAt and updatedAt were kept here lacks them: taken in, as the search may find more.
        if (f.PaidBefore is { } paidBefore) where.Add($"c.everPaid = true AND (NOT IS_DEFINED(c.paidAt) OR c.paidAt < {Param(CosmosOrderStore.OrderDocument.Instant(paidBefore))})");
        if (f.UpdatedFrom is { } updatedFrom) where.Add($"(NOT IS_DEFINED(c.updatedAt) OR c.updatedAt >= {Param(CosmosOrderStore.OrderDocument.Instant(updatedFrom))})");
        // "order" is a keyword of the query language: the property is named in brackets.
        if (f.CartId is not null) where.Add($"c[\"order\"].checkoutInputs.cartId = {Param(f.CartId)}");

        var sql = new StringBuilder("SELECT c.summary, c.sealed FROM c WHERE ").AppendJoin(" AND ", where).Append(" ORDER BY c.createdAt DESC").ToString();
        var query = new QueryDefinition(sql);
        foreach (var (name, value) in parameters) query = query.WithParameter(name, value);
        return query;
    }
}
