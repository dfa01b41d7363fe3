using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

/// <summary>The editable rate table: defaults from the zones until one is saved, If-Match, validation on the field at fault, and the quotes' cache.</summary>
public sealed class ManageRateTableTests
{
    private static readonly IReadOnlyList<ShippingZone> Zones =
    [
        new("domestic", ["NL"], "local-carrier", "standard", 4.95m, 0.50m, 50m, 1, 2),
        new("eu", ["DE", "BE"], "local-carrier", "europe", 9.95m, 1.00m, 100m, 2, 5),
    ];

    private static readonly Actor Merchandiser = new("user_merch", [ShopRoles.Merchandiser]);

    private readonly InMemoryRateTableStore _store = new();
    private readonly ManualClock _clock = new(FixedClock.Instant);
    private readonly ManageRateTable _rates;

    public ManageRateTableTests() => _rates = new ManageRateTable(_store, Zones, new ShopSettings("EUR"), _clock);

    private IRateTableSource Source => _rates;

    /// <summary>The defaults as a client would send them back: a valid table to change one thing in.</summary>
    private static RateTableInput Valid() => ToInput(ManagedRateTable.Defaults(Zones));

    private static RateTableInput ToInput(ManagedRateTable table) => new(
        table.Zones.Select(z => (ZoneRatesInput?)new ZoneRatesInput(z.Zone, z.Services.Select(s => (ServiceRateInput?)new ServiceRateInput(
            s.Level.ToString().ToLowerInvariant(), s.Carrier, s.BaseFee, s.FeePerKg,
            s.DistanceBands.Select(b => (DistanceBandInput?)new DistanceBandInput(b.UpToKm, b.Surcharge)).ToList(),
            s.FreeShippingThreshold, s.BusinessDaysMin, s.BusinessDaysMax)).ToList())).ToList(),
        table.DimensionalDivisorCm3PerKg, new ParcelLimitsInput(table.Limits.MaxWeightGrams, table.Limits.MaxLongestSideMm),
        new MeasurementsInput(table.UnmeasuredUnit.WeightGrams, table.UnmeasuredUnit.LengthMm, table.UnmeasuredUnit.WidthMm, table.UnmeasuredUnit.HeightMm));

    private static RateTableInput ChangeStandard(RateTableInput input, Func<ServiceRateInput, ServiceRateInput> change)
    {
        var zones = input.Zones!.ToList();
        var services = zones[0]!.Services!.ToList();
        services[0] = change(services[0]!);
        zones[0] = zones[0]! with { Services = services };
        return input with { Zones = zones };
    }

    private Task<Versioned<ManagedRateTable>> Replace(RateTableInput? input, string? version = ManageRateTable.DefaultsVersion) =>
        _rates.ReplaceAsync(input, version, Merchandiser, CancellationToken.None);

    [Fact]
    public async Task Without_a_saved_table_the_defaults_from_the_configured_zones_apply()
    {
        var current = await _rates.GetAsync(CancellationToken.None);

        current.Version.ShouldBe(ManageRateTable.DefaultsVersion);
        current.Value.Source.ShouldBe("zones");
        current.Value.Zones.Select(z => z.Zone).ShouldBe(["domestic", "eu"]);
        (await Source.GetAsync(CancellationToken.None)).ServicesByZone["eu"][0].BaseFee.ShouldBe(9.95m);
    }

    [Fact]
    public async Task Saving_with_the_defaults_version_creates_the_table_and_quotes_use_it_at_once()
    {
        (await Source.GetAsync(CancellationToken.None)).ServicesByZone["domestic"][0].BaseFee.ShouldBe(4.95m);

        var saved = await Replace(ChangeStandard(Valid(), s => s with { BaseFee = 5.45m }));

        saved.Value.Source.ShouldBe("managed");
        saved.Value.UpdatedBy.ShouldBe("user_merch");
        saved.Value.UpdatedAt.ShouldBe(_clock.Now);
        (await _rates.GetAsync(CancellationToken.None)).Version.ShouldBe(saved.Version);
        (await Source.GetAsync(CancellationToken.None)).ServicesByZone["domestic"][0].BaseFee.ShouldBe(5.45m);
    }

    [Fact]
    public async Task A_change_needs_if_match()
    {
        await Should.ThrowAsync<VersionRequiredException>(() => Replace(Valid(), version: null));
        _store.Saves.ShouldBe(0);
    }

    [Fact]
    public async Task A_change_based_on_an_old_version_is_refused()
    {
        var first = await Replace(Valid());
        await Replace(ChangeStandard(Valid(), s => s with { BaseFee = 6m }), first.Version);

        await Should.ThrowAsync<StaleVersionException>(() => Replace(Valid(), first.Version));
        await Should.ThrowAsync<StaleVersionException>(() => Replace(Valid(), ManageRateTable.DefaultsVersion));
        (await _rates.GetAsync(CancellationToken.None)).Value.Zones[0].Services[0].BaseFee.ShouldBe(6m);
    }

    [Fact]
    public async Task Quotes_read_the_table_once_per_cache_lifetime()
    {
        await Source.GetAsync(CancellationToken.None);
        await Source.GetAsync(CancellationToken.None);
        _store.Reads.ShouldBe(1);

        // A change through another instance (another function host) is seen when the cache expires.
        await _store.SaveAsync(ManagedRateTable.Defaults(Zones) with { UpdatedAt = _clock.Now, Limits = new ParcelLimits(20_000, 1_000) }, null, CancellationToken.None);
        (await Source.GetAsync(CancellationToken.None)).Limits.MaxWeightGrams.ShouldBe(31_500);
        _clock.Advance(ManageRateTable.CacheLifetime);
        (await Source.GetAsync(CancellationToken.None)).Limits.MaxWeightGrams.ShouldBe(20_000);
        _store.Reads.ShouldBe(2);
    }

    public static TheoryData<string, Func<RateTableInput, RateTableInput>, string> BadTables => new()
    {
        { "bands out of order", i => ChangeStandard(i, s => s with { DistanceBands = [new(250, 0m), new(50, 1m), new(null, 2m)] }), "zones[0].services[0].distanceBands[1].upToKm" },
        { "a closed last band", i => ChangeStandard(i, s => s with { DistanceBands = [new(50, 0m), new(250, 1m)] }), "zones[0].services[0].distanceBands[1].upToKm" },
        { "an open band before the last", i => ChangeStandard(i, s => s with { DistanceBands = [new(null, 0m), new(null, 1m)] }), "zones[0].services[0].distanceBands[0].upToKm" },
        { "no bands", i => ChangeStandard(i, s => s with { DistanceBands = [] }), "zones[0].services[0].distanceBands" },
        { "a negative surcharge", i => ChangeStandard(i, s => s with { DistanceBands = [new(50, -1m), new(null, 2m)] }), "zones[0].services[0].distanceBands[0].surcharge" },
        { "a negative base fee", i => ChangeStandard(i, s => s with { BaseFee = -0.01m }), "zones[0].services[0].baseFee" },
        { "a fee in fractions of a cent", i => ChangeStandard(i, s => s with { FeePerKg = 0.505m }), "zones[0].services[0].feePerKg" },
        { "no base fee", i => ChangeStandard(i, s => s with { BaseFee = null }), "zones[0].services[0].baseFee" },
        { "a negative free-shipping threshold", i => ChangeStandard(i, s => s with { FreeShippingThreshold = -5m }), "zones[0].services[0].freeShippingThreshold" },
        { "days min above max", i => ChangeStandard(i, s => s with { BusinessDaysMin = 4, BusinessDaysMax = 2 }), "zones[0].services[0].businessDaysMax" },
        { "an unknown service level", i => ChangeStandard(i, s => s with { Level = "overnight" }), "zones[0].services[0].level" },
        { "a service level twice", i => ChangeStandard(i, s => s with { Level = "express" }), "zones[0].services[1].level" },
        { "no carrier", i => ChangeStandard(i, s => s with { Carrier = " " }), "zones[0].services[0].carrier" },
        { "a zone the shop does not have", i => i with { Zones = [.. i.Zones!, new ZoneRatesInput("mars", i.Zones![0]!.Services)] }, "zones[2].zone" },
        { "a zone twice", i => i with { Zones = [i.Zones![0], i.Zones![1], i.Zones![0]] }, "zones[2].zone" },
        { "a configured zone missing", i => i with { Zones = [i.Zones![0]] }, "zones" },
        { "a zone without services", i => i with { Zones = [i.Zones![0]! with { Services = [] }, i.Zones![1]] }, "zones[0].services" },
        { "a zero weight limit", i => i with { Limits = new ParcelLimitsInput(0, 1200) }, "limits.maxWeightGrams" },
        { "a zero length limit", i => i with { Limits = new ParcelLimitsInput(31_500, 0) }, "limits.maxLongestSideMm" },
        { "a zero divisor", i => i with { DimensionalDivisorCm3PerKg = 0 }, "dimensionalDivisorCm3PerKg" },
        { "an unmeasured unit weighing nothing", i => i with { UnmeasuredUnit = new MeasurementsInput(0, 300, 200, 100) }, "unmeasuredUnit.weightGrams" },
    };

    [Theory]
    [MemberData(nameof(BadTables))]
    public async Task A_bad_table_is_refused_on_the_field_at_fault_and_nothing_is_saved(string because, Func<RateTableInput, RateTableInput> spoil, string field)
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Replace(spoil(Valid())), because);

        failure.Errors.Keys.ShouldContain(field, because);
        _store.Saves.ShouldBe(0);
    }

    [Fact]
    public async Task A_service_level_can_be_set_to_take_the_carrier_s_live_rate()
    {
        (await Source.GetAsync(CancellationToken.None)).ServicesByZone["domestic"][0].UsesCarrierRates.ShouldBeFalse();

        var saved = await Replace(ChangeStandard(Valid(), s => s with { UsesCarrierRates = true }));

        saved.Value.Zones[0].Services[0].UsesCarrierRates.ShouldBeTrue();
        saved.Value.Zones[0].Services[1].UsesCarrierRates.ShouldBeFalse();
        (await Source.GetAsync(CancellationToken.None)).ServicesByZone["domestic"][0].UsesCarrierRates.ShouldBeTrue();
    }

    [Fact]
    public async Task A_missing_body_is_refused()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Replace(null))).Errors.Keys.ShouldContain("body");
    }

    [Fact]
    public async Task The_defaults_sent_back_unchanged_are_valid()
    {
        var saved = await Replace(Valid());

        Describe(saved.Value.ToRateTable()).ShouldBe(Describe(ManagedRateTable.Defaults(Zones).ToRateTable()));
    }

    // Records compare lists by reference: describe the table's values instead.
    private static string Describe(RateTable table) =>
        string.Join("; ", table.ServicesByZone.OrderBy(z => z.Key, StringComparer.Ordinal).Select(z =>
            z.Key + ": " + string.Join(", ", z.Value.Select(s => $"{s with { DistanceBands = [] }} bands {string.Join("/", s.DistanceBands)}"))))
        + $"; {table.DimensionalDivisorCm3PerKg} {table.Limits} {table.UnmeasuredUnit}";

    private sealed class InMemoryRateTableStore : IRateTableStore
    {
        private Versioned<ManagedRateTable>? _saved;
        private int _version;

        public int Reads { get; private set; }
        public int Saves { get; private set; }

        public Task<Versioned<ManagedRateTable>?> ReadAsync(CancellationToken ct)
        {
            Reads++;
            return Task.FromResult(_saved);
        }

        public Task<string> SaveAsync(ManagedRateTable table, string? expectedVersion, CancellationToken ct)
        {
            if (expectedVersion != _saved?.Version) throw new StaleVersionException("Shipping rate table");
            Saves++;
            _saved = new Versioned<ManagedRateTable>(table, $"v{++_version}");
            return Task.FromResult(_saved.Version);
        }
    }
}
