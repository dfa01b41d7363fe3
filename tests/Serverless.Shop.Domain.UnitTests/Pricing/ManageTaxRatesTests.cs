using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

/// <summary>The admins' tax rates: what a rate must be, and an import that writes every row or none.</summary>
public sealed class ManageTaxRatesTests
{
    private readonly InMemoryTaxRateStore _store = new();
    private ManageTaxRates Manage => new(_store, new FixedClock());

    private static TaxRateImportRow Row(int line, string? country, string? region, string? taxClass, string? percent) => new(line, country, region, taxClass, percent);

    [Fact]
    public async Task A_rate_is_normalised_and_named_by_its_place_and_class()
    {
        var created = await Manage.CreateAsync(new TaxRateInput(" us ", "ny", null, 8.875m), CancellationToken.None);

        created.Value.ShouldBe(new ManagedTaxRate("US-NY_standard", "US", "NY", "standard", 8.875m, FixedClock.Instant));
        created.Value.ToRate().Rate.ShouldBe(0.08875m);
        (await Manage.GetAsync("US-NY_standard", CancellationToken.None)).Version.ShouldBe(created.Version);
    }

    [Theory]
    [InlineData("Germany", null, "standard", 19.0, "country")]
    [InlineData("D1", null, "standard", 19.0, "country")]
    [InlineData(null, null, "standard", 19.0, "country")]
    [InlineData("US", "New York", "standard", 4.0, "region")]
    [InlineData("US", "US-NY", "standard", 4.0, "region")]
    [InlineData("DE", null, "Reduced Rate", 7.0, "taxClass")]
    [InlineData("DE", null, "standard", 100.01, "percent")]
    [InlineData("DE", null, "standard", -1.0, "percent")]
    [InlineData("DE", null, "standard", 19.00001, "percent")]
    public async Task A_bad_rate_is_refused_naming_the_field_and_nothing_is_stored(string? country, string? region, string taxClass, double percent, string field)
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            Manage.CreateAsync(new TaxRateInput(country, region, taxClass, (decimal)percent), CancellationToken.None));

        failure.ShouldReport(field);
        _store.Rates.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rate_without_a_percent_is_refused_and_zero_and_one_hundred_are_accepted()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Manage.CreateAsync(new TaxRateInput("DE", null, null, null), CancellationToken.None)))
            .ShouldReport("percent", "is required");

        (await Manage.CreateAsync(new TaxRateInput("US", null, null, 0m), CancellationToken.None)).Value.Percent.ShouldBe(0m);
        (await Manage.CreateAsync(new TaxRateInput("DK", null, "luxury", 100m), CancellationToken.None)).Value.Percent.ShouldBe(100m);
    }

    [Fact]
    public async Task A_second_rate_for_the_same_place_and_class_is_a_conflict()
    {
        await Manage.CreateAsync(new TaxRateInput("DE", null, "standard", 19m), CancellationToken.None);

        await Should.ThrowAsync<DuplicateResourceException>(() => Manage.CreateAsync(new TaxRateInput("de", "", null, 16m), CancellationToken.None));
        _store.Rates.ShouldHaveSingleItem().Value.Percent.ShouldBe(19m);
    }

    [Fact]
    public async Task Replacing_changes_the_percent_needs_the_version_and_cannot_move_the_rate()
    {
        var created = await Manage.CreateAsync(new TaxRateInput("DE", null, "reduced", 7m), CancellationToken.None);

        await Should.ThrowAsync<VersionRequiredException>(() => Manage.ReplaceAsync("DE_reduced", new TaxRateInput(null, null, null, 5m), null, CancellationToken.None));
        await Should.ThrowAsync<StaleVersionException>(() => Manage.ReplaceAsync("DE_reduced", new TaxRateInput(null, null, null, 5m), "old", CancellationToken.None));
        (await Should.ThrowAsync<ValidationFailedException>(() => Manage.ReplaceAsync("DE_reduced", new TaxRateInput("FR", null, null, 5m), created.Version, CancellationToken.None)))
            .ShouldReport("country", "cannot change");
        (await Should.ThrowAsync<ValidationFailedException>(() => Manage.ReplaceAsync("DE_reduced", new TaxRateInput(null, null, "standard", 5m), created.Version, CancellationToken.None)))
            .ShouldReport("taxClass");

        var replaced = await Manage.ReplaceAsync("DE_reduced", new TaxRateInput("de", null, "reduced", 5m), created.Version, CancellationToken.None);

        replaced.Value.Percent.ShouldBe(5m);
        replaced.Version.ShouldNotBe(created.Version);
    }

    [Fact]
    public async Task An_unknown_or_malformed_id_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.GetAsync("DE_standard", CancellationToken.None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.GetAsync("../etc", CancellationToken.None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.DeleteAsync("DE_standard", null, CancellationToken.None));
    }

    [Fact]
    public async Task An_import_adds_new_rates_replaces_changed_ones_and_leaves_others()
    {
        await Manage.CreateAsync(new TaxRateInput("DE", null, "standard", 16m), CancellationToken.None);
        await Manage.CreateAsync(new TaxRateInput("AT", null, "standard", 20m), CancellationToken.None);
        await Manage.CreateAsync(new TaxRateInput("SE", null, "standard", 25m), CancellationToken.None);

        var result = await Manage.ImportAsync(
            [Row(2, "DE", null, null, "19"), Row(3, "de", null, "reduced", "7 %"), Row(4, "AT", "", "standard", "20.0")], CancellationToken.None);

        result.ShouldBe(new TaxRateImportResult(Created: 1, Updated: 1, Unchanged: 1));
        (await Manage.ListAsync(null, CancellationToken.None)).Select(r => (r.Id, r.Percent))
            .ShouldBe([("AT_standard", 20m), ("DE_reduced", 7m), ("DE_standard", 19m), ("SE_standard", 25m)]);
        (await Manage.ListAsync("de", CancellationToken.None)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_import_with_a_bad_row_writes_nothing_and_names_every_row_and_column_at_fault()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Manage.ImportAsync(
        [
            Row(2, "DE", null, "standard", "19"),
            Row(3, "Deutschland", null, "reduced", "7"),
            Row(4, "FR", null, "standard", "twenty"),
            Row(5, "IT", null, "standard", "122"),
            Row(6, "de", null, null, "16"),
            Row(7, "ES", null, "Super Reduced", null),
        ], CancellationToken.None));

        failure.ShouldReport("rows[3].country", "ISO 3166-1");
        failure.ShouldReport("rows[4].percent", "not a number");
        failure.ShouldReport("rows[5].percent", "from 0 to 100");
        failure.ShouldReport("rows[6].country", "repeats line 2");
        failure.ShouldReport("rows[7].taxClass");
        failure.ShouldReport("rows[7].percent", "is required");
        failure.ShouldNotReport("rows[2].country");
        failure.Errors.Count.ShouldBe(6);
        _store.Rates.ShouldBeEmpty();
        _store.Writes.ShouldBe(0);
    }

    [Fact]
    public async Task An_empty_import_is_refused()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Manage.ImportAsync([], CancellationToken.None))).ShouldReport("file");
        _store.Writes.ShouldBe(0);
    }

    [Fact]
    public async Task A_listing_by_a_malformed_country_is_refused() =>
        (await Should.ThrowAsync<ValidationFailedException>(() => Manage.ListAsync("Germany", CancellationToken.None))).ShouldReport("country");

    /// <summary>The store's contract without a database: versions per rate, all-or-nothing imports, counted writes.</summary>
    private sealed class InMemoryTaxRateStore : ITaxRateStore
    {
        public List<Versioned<ManagedTaxRate>> Rates { get; } = [];
        public int Writes { get; private set; }

        public Task<IReadOnlyList<Versioned<ManagedTaxRate>>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<Versioned<ManagedTaxRate>>>(Rates.ToList());

        public Task<string> CreateAsync(ManagedTaxRate rate, CancellationToken ct)
        {
            if (Rates.Any(r => r.Value.Id == rate.Id)) throw new DuplicateResourceException("country", "exists");
            var version = Guid.NewGuid().ToString("N");
            Rates.Add(new(rate, version));
            Writes++;
            return Task.FromResult(version);
        }

        public Task<string> ReplaceAsync(ManagedTaxRate rate, string expectedVersion, CancellationToken ct)
        {
            var index = Rates.FindIndex(r => r.Value.Id == rate.Id);
            if (index < 0) throw new ResourceNotFoundException("Tax rate", rate.Id);
            if (Rates[index].Version != expectedVersion) throw new StaleVersionException("Tax rate");
            var version = Guid.NewGuid().ToString("N");
            Rates[index] = new(rate, version);
            Writes++;
            return Task.FromResult(version);
        }

        public Task DeleteAsync(string id, string expectedVersion, CancellationToken ct)
        {
            var index = Rates.FindIndex(r => r.Value.Id == id);
            if (index < 0) throw new ResourceNotFoundException("Tax rate", id);
            if (Rates[index].Version != expectedVersion) throw new StaleVersionException("Tax rate");
            Rates.RemoveAt(index);
            Writes++;
            return Task.CompletedTask;
        }

        public Task<TaxRateImportResult> UpsertAllAsync(IReadOnlyList<ManagedTaxRate> rates, CancellationToken ct)
        {
            int created = 0, updated = 0, unchanged = 0;
            foreach (var rate in rates)
            {
                var index = Rates.FindIndex(r => r.Value.Id == rate.Id);
                if (index < 0) { Rates.Add(new(rate, Guid.NewGuid().ToString("N"))); created++; }
                else if (Rates[index].Value.Percent == rate.Percent) unchanged++;
                else { Rates[index] = new(rate, Guid.NewGuid().ToString("N")); updated++; }
            }
            Writes++;
            return Task.FromResult(new TaxRateImportResult(created, updated, unchanged));
        }
    }
}
