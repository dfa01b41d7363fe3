using System.Net;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Shipping;

/// <summary>
/// The saved shipping rate table: one document (<c>table</c>) in the <c>shipping-rates</c> container, written whole with
/// If-Match on its ETag. One document because every quote needs all of it (one point read, cached by
/// <see cref="ManageRateTable"/>) and a change replaces it as a whole; a table is a few kilobytes.
/// </summary>
public sealed class CosmosRateTableStore(ShopContainers containers) : IRateTableStore
{
    private const string TableId = "table";

    private Container ShippingRates => containers.ShippingRates;

    public async Task<Versioned<ManagedRateTable>?> ReadAsync(CancellationToken ct)
    {
        try
        {
            var response = await ShippingRates.ReadItemAsync<RateTableDocument>(TableId, new PartitionKey(TableId), cancellationToken: ct);
            return new Versioned<ManagedRateTable>(response.Resource.ToTable(), response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> SaveAsync(ManagedRateTable table, string? expectedVersion, CancellationToken ct)
    {
        var document = RateTableDocument.From(TableId, table);
        try
        {
            var response = expectedVersion is null
                ? await ShippingRates.CreateItemAsync(document, new PartitionKey(TableId), cancellationToken: ct)
                : await ShippingRates.ReplaceItemAsync(document, TableId, new PartitionKey(TableId), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Changed since it was read, created by someone else first, or gone: the caller's version is stale.
            throw new StaleVersionException("Shipping rate table");
        }
    }

    private sealed record RateTableDocument(
        string Id, IReadOnlyList<ZoneRates> Zones, int DimensionalDivisorCm3PerKg, ParcelLimits Limits, Measurements UnmeasuredUnit,
        DateTimeOffset? UpdatedAt, string? UpdatedBy)
    {
        public static RateTableDocument From(string id, ManagedRateTable t) => new(id, t.Zones, t.DimensionalDivisorCm3PerKg, t.Limits, t.UnmeasuredUnit, t.UpdatedAt, t.UpdatedBy);

        public ManagedRateTable ToTable() => new(Zones, DimensionalDivisorCm3PerKg, Limits, UnmeasuredUnit, UpdatedAt, UpdatedBy);
    }
}
