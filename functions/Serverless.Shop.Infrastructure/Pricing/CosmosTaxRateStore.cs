using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Pricing;

/// <summary>
/// The managed tax rates: one document (<c>table</c>) in the <c>tax-rates</c> container, holding every rate with its
/// own version. One document because pricing reads the whole table (one point read, cached), and because an import must
/// change all its rows or none: one conditional replace is atomic where many item writes are not (and the local
/// emulator has no transactional batch). A table stays far below the 2 MB item limit (about 150 bytes a rate).
/// <para>
/// Every change reads the table, applies the change, and replaces it with If-Match on the document's ETag; a concurrent
/// change makes it read again and retry, so two admins changing different rates both succeed. A rate's own version
/// (its API ETag) changes only when that rate changes.
/// </para>
/// <para>
/// As <see cref="ITaxRateCatalog"/>: the table is cached for <see cref="CacheLifetime"/> per instance (one point read per
/// lifetime, shared by concurrent callers; 0 calls otherwise). Writes through this instance drop the cache at once.
/// </para>
/// </summary>
public sealed class CosmosTaxRateStore(ShopContainers containers, TimeProvider clock) : ITaxRateStore, ITaxRateCatalog
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const string TableId = "table";
    private const int MaximumAttempts = 8;

    private readonly Lock _gate = new();
    private (Task<ITaxRates> Rates, DateTimeOffset LoadedAt)? _cached;

    private Container TaxRates => containers.TaxRates;

    public Task<ITaxRates> GetRatesAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_cached is { } c && now - c.LoadedAt < CacheLifetime && !c.Rates.IsFaulted && !c.Rates.IsCanceled) return c.Rates.WaitAsync(ct);
            // Loaded without the caller's token: concurrent callers share the load, and one caller giving up does not fail the others.
            var loading = LoadRatesAsync();
            _cached = (loading, now);
            return loading.WaitAsync(ct);
        }
    }

    private async Task<ITaxRates> LoadRatesAsync()
    {
        var (document, _) = await ReadAsync(CancellationToken.None);
        return new RateTableTaxRates(document.Rates.Select(r => r.ToRate().ToRate()));
    }

    private void Invalidate()
    {
        lock (_gate) _cached = null;
    }

    public async Task<IReadOnlyList<Versioned<ManagedTaxRate>>> ListAsync(CancellationToken ct)
    {
        var (document, _) = await ReadAsync(ct);
        return document.Rates.Select(r => new Versioned<ManagedTaxRate>(r.ToRate(), r.Version)).ToList();
    }

    public async Task<string> CreateAsync(ManagedTaxRate rate, CancellationToken ct)
    {
        var version = NewVersion();
        await ChangeAsync(rates =>
        {
            if (rates.Any(r => r.Id == rate.Id))
                throw new DuplicateResourceException("country", $"A rate for {rate.Id} exists already; replace it (PUT /api/tax-rates/{rate.Id}) instead.");
            rates.Add(TaxRateEntry.From(rate, version));
        }, ct);
        return version;
    }

    public async Task<string> ReplaceAsync(ManagedTaxRate rate, string expectedVersion, CancellationToken ct)
    {
        var version = NewVersion();
        await ChangeAsync(rates =>
        {
            var index = IndexOf(rates, rate.Id, expectedVersion);
            rates[index] = TaxRateEntry.From(rate, version);
        }, ct);
        return version;
    }

    public Task DeleteAsync(string id, string expectedVersion, CancellationToken ct) =>
        ChangeAsync(rates => rates.RemoveAt(IndexOf(rates, id, expectedVersion)), ct);

    public async Task<TaxRateImportResult> UpsertAllAsync(IReadOnlyList<ManagedTaxRate> rates, CancellationToken ct)
    {
        var result = new TaxRateImportResult(0, 0, 0);
        await ChangeAsync(table =>
        {
            int created = 0, updated = 0, unchanged = 0;
            foreach (var rate in rates)
            {
                var index = table.FindIndex(r => r.Id == rate.Id);
                if (index < 0)
                {
                    table.Add(TaxRateEntry.From(rate, NewVersion()));
                    created++;
                }
                else if (table[index].Percent == rate.Percent) unchanged++;
                else
                {
                    table[index] = TaxRateEntry.From(rate, NewVersion());
                    updated++;
                }
            }
            result = new TaxRateImportResult(created, updated, unchanged);
        }, ct);
        return result;
    }

    /// <summary>Reads, changes and writes the table with If-Match; reads again on a concurrent change. <paramref name="change"/> may throw to refuse.</summary>
    private async Task ChangeAsync(Action<List<TaxRateEntry>> change, CancellationToken ct)
    {
        try
        {
            for (var attempt = 0; attempt < MaximumAttempts; attempt++)
            {
                var (document, etag) = await ReadAsync(ct);
                var rates = document.Rates.ToList();
                change(rates);
                var updated = document with { Rates = rates };
                try
                {
                    if (etag is null) await TaxRates.CreateItemAsync(updated, new PartitionKey(TableId), cancellationToken: ct);
                    else await TaxRates.ReplaceItemAsync(updated, TableId, new PartitionKey(TableId), new ItemRequestOptions { IfMatchEtag = etag }, ct);
                    return;
                }
                catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.Conflict))
                {
                    // Someone changed the table since it was read: apply the change to the new table.
                }
            }
            throw new BusyResourceException("Tax rate table");
        }
        finally
        {
            Invalidate();
        }
    }

    private async Task<(TaxRateTableDocument Document, string? ETag)> ReadAsync(CancellationToken ct)
    {
        try
        {
            var response = await TaxRates.ReadItemAsync<TaxRateTableDocument>(TableId, new PartitionKey(TableId), cancellationToken: ct);
            return (response.Resource, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return (new TaxRateTableDocument { Id = TableId, Rates = [] }, null);
        }
    }

    private static int IndexOf(List<TaxRateEntry> rates, string id, string expectedVersion)
    {
        var index = rates.FindIndex(r => r.Id == id);
        if (index < 0) throw new ResourceNotFoundException("Tax rate", id);
        if (rates[index].Version != expectedVersion) throw new StaleVersionException("Tax rate");
        return index;
    }

    private static string NewVersion() => Guid.NewGuid().ToString("N");
}

internal sealed record TaxRateTableDocument
{
    public required string Id { get; init; }
    public required IReadOnlyList<TaxRateEntry> Rates { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

internal sealed record TaxRateEntry(string Id, string Country, string? Region, string TaxClass, decimal Percent, DateTimeOffset UpdatedAt, string Version)
{
    public static TaxRateEntry From(ManagedTaxRate r, string version) => new(r.Id, r.Country, r.Region, r.TaxClass, r.Percent, r.UpdatedAt, version);

    public ManagedTaxRate ToRate() => new(Id, Country, Region, TaxClass, Percent, UpdatedAt);
}
