using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>
/// The rate table: what staff edit (<see cref="GetAsync"/>, <see cref="ReplaceAsync"/>) and what quotes are priced with
/// (<see cref="IRateTableSource"/>). One saved document (docs/shipping.md "Where the rules live"); while none is saved,
/// the defaults made from the shop's configured zones (<see cref="ManagedRateTable.Defaults"/>) apply: those are the
/// shop's own zones and fees from <c>Shipping:Zones</c>, not demo data. Quotes read the table through a cache of
/// <see cref="CacheLifetime"/> (one point read per lifetime per instance, shared by concurrent callers; none
/// otherwise), so a warm quote costs no Cosmos DB call for it; a change through this instance drops the cache at once.
/// </summary>
public sealed class ManageRateTable(IRateTableStore store, IReadOnlyList<ShippingZone> zones, ShopSettings settings, TimeProvider clock) : IRateTableSource
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    /// <summary>The version the defaults go by: a PUT with this If-Match saves the first table (412 if someone saved one meanwhile).</summary>
    public const string DefaultsVersion = "zones";

    private readonly RecentCopy<RateTable> _recent = new(clock, CacheLifetime);

    /// <summary>The saved table with its version, or the defaults from the zones with <see cref="DefaultsVersion"/>.</summary>
    public async Task<Versioned<ManagedRateTable>> GetAsync(CancellationToken ct) =>
        await store.ReadAsync(ct) ?? new Versioned<ManagedRateTable>(ManagedRateTable.Defaults(zones), DefaultsVersion);

    /// <summary>
    /// Replaces the whole table (If-Match required: 428 without, 412 when stale). Every field is checked first and every
    /// error reported at once on its field; nothing is written unless all are right.
    /// </summary>
    public async Task<Versioned<ManagedRateTable>> ReplaceAsync(RateTableInput? input, string? expectedVersion, Actor actor, CancellationToken ct)
    {
        if (expectedVersion is null) throw new VersionRequiredException();
        var v = new Validator();
        var table = RateTableRules.Build(input, zones, settings.Currency, actor, clock.GetUtcNow(), v);
        v.ThrowIfInvalid();
        try
        {
            var version = await store.SaveAsync(table!, expectedVersion == DefaultsVersion ? null : expectedVersion, ct);
            return new Versioned<ManagedRateTable>(table!, version);
        }
        finally
        {
            _recent.Invalidate();
        }
    }

    // Loaded without the caller's token: concurrent callers share the load, and one caller giving up does not fail the others.
    Task<RateTable> IRateTableSource.GetAsync(CancellationToken ct) => _recent.GetAsync(LoadAsync).WaitAsync(ct);

    private async Task<RateTable> LoadAsync() => (await GetAsync(CancellationToken.None)).Value.ToRateTable();
}
