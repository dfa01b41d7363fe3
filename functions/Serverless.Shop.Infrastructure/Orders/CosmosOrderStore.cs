using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Orders;

/// <summary>
/// Orders in the <c>orders</c> container, partition key /id = the order number: reading or changing an order is one
/// point operation, and creating one with a number in use fails (409), which is how numbers stay unique. Listings are
/// cross-partition queries over fields kept at the top of the document (customer, email, status, creation time) that
/// return the precomputed summary, never the whole order.
/// </summary>
public sealed class CosmosOrderStore(ShopContainers containers) : IOrderStore
{
    private Container Orders => containers.Orders;

    public async Task<Versioned<Order>?> FindAsync(string number, CancellationToken ct)
    {
        try
        {
            var response = await Orders.ReadItemAsync<OrderDocument>(number, new PartitionKey(number), cancellationToken: ct);
            return new(response.Resource.Order, response.ETag);
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
            var response = await Orders.CreateItemAsync(OrderDocument.From(order), new PartitionKey(order.Id), cancellationToken: ct);
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
            var response = await Orders.ReplaceItemAsync(OrderDocument.From(order), order.Id, new PartitionKey(order.Id),
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

    public Task<Page<OrderSummary>> ListByCustomerAsync(string customerId, PageRequest page, CancellationToken ct) =>
        QueryAsync(new OrderSearch(CustomerId: customerId), page, ct);

    public Task<Page<OrderSummary>> SearchAsync(OrderSearch filter, PageRequest page, CancellationToken ct) => QueryAsync(filter, page, ct);

    public Task<Page<OrderSummary>> ListWithOpenRefundTasksAsync(PageRequest page, CancellationToken ct) =>
        FlaggedAsync("c.openRefundTask = true", page, ct);

    public Task<Page<OrderSummary>> ListNeedingReconciliationAsync(PageRequest page, CancellationToken ct) =>
        FlaggedAsync("c.needsReconciliation = true", page, ct);

    // The flags are kept at the top of the document so these listings read summaries of the few orders flagged, oldest first.
    private async Task<Page<OrderSummary>> FlaggedAsync(string condition, PageRequest page, CancellationToken ct)
    {
        var query = new QueryDefinition($"SELECT VALUE c.summary FROM c WHERE c.type = @type AND {condition} ORDER BY c.createdAt ASC")
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

    private Task<Page<OrderSummary>> QueryAsync(OrderSearch filter, PageRequest page, CancellationToken ct) =>
        ReadPageAsync(OrderQueryBuilder.Build(filter), page, ct);

    private async Task<Page<OrderSummary>> ReadPageAsync(QueryDefinition query, PageRequest page, CancellationToken ct)
    {
        using var feed = Orders.GetItemQueryIterator<OrderSummary>(query, page.ContinuationToken,
            new QueryRequestOptions { MaxItemCount = page.Size });
        try
        {
            var response = await feed.ReadNextAsync(ct);
            return new Page<OrderSummary>(response.ToList(), response.ContinuationToken);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued for this listing.");
        }
    }

    /// <summary>How an order is stored: the order, its summary for listings, and the fields queries filter on.</summary>
    internal sealed record OrderDocument
    {
        public const string Kind = "order";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public string? CustomerId { get; init; }

        /// <summary>Lower-case email, for a search that ignores case.</summary>
        public required string EmailKey { get; init; }

        public required OrderStatus Status { get; init; }

        public required PaymentMethod PaymentMethod { get; init; }

        /// <summary>UTC in one fixed format, so that text order is time order.</summary>
        public required string CreatedAt { get; init; }

        /// <summary>True once the order was paid, for ever (first-order promotions).</summary>
        public required bool EverPaid { get; init; }

        /// <summary>A refund waits for a person (<see cref="OrderPaymentRules.HasOpenRefundTask"/>): support's work list.</summary>
        public required bool OpenRefundTask { get; init; }

        /// <summary>The ledger and the status disagree (<see cref="OrderPaymentRules.NeedsAttention"/>): reconciliation looks at it.</summary>
        public required bool NeedsReconciliation { get; init; }

        public required OrderSummary Summary { get; init; }
        public required Order Order { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }

        public static OrderDocument From(Order order) => new()
        {
            Id = order.Id,
            Type = Kind,
            CustomerId = order.CustomerId,
            EmailKey = order.Email.ToLowerInvariant(),
            Status = order.Status,
            PaymentMethod = order.PaymentMethod,
            CreatedAt = Instant(order.CreatedAt),
            EverPaid = order.PaidAt is not null,
            OpenRefundTask = OrderPaymentRules.HasOpenRefundTask(order),
            NeedsReconciliation = OrderPaymentRules.NeedsAttention(order),
            Summary = OrderSummary.Of(order),
            Order = order,
        };

        public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    }
}

/// <summary>Translates an <see cref="OrderSearch"/> to one parameterised query, newest first.</summary>
internal static class OrderQueryBuilder
{
    public static QueryDefinition Build(OrderSearch f)
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
        if (f.Email is not null) where.Add($"c.emailKey = {Param(f.Email.ToLowerInvariant())}");
        if (f.Status is { } status) where.Add($"c.status = {Param(System.Text.Json.JsonSerializer.Serialize(status, ShopJson.Options).Trim('"'))}");
        if (f.PaymentMethod is { } method) where.Add($"c.paymentMethod = {Param(System.Text.Json.JsonSerializer.Serialize(method, ShopJson.Options).Trim('"'))}");
        if (f.CreatedFrom is { } from) where.Add($"c.createdAt >= {Param(CosmosOrderStore.OrderDocument.Instant(from))}");
        if (f.CreatedTo is { } to) where.Add($"c.createdAt < {Param(CosmosOrderStore.OrderDocument.Instant(to))}");

        var sql = new StringBuilder("SELECT VALUE c.summary FROM c WHERE ").AppendJoin(" AND ", where).Append(" ORDER BY c.createdAt DESC").ToString();
        var query = new QueryDefinition(sql);
        foreach (var (name, value) in parameters) query = query.WithParameter(name, value);
        return query;
    }
}
