using System.Globalization;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// The tax rates admins manage (used when <c>Tax:Source</c> is <c>rates</c>; docs/pricing.md#tax): one at a time, or a
/// whole file at once. A file is checked row by row first and written only when every row is right, in one write, so
/// a bad file changes nothing and a good one changes everything it lists.
/// </summary>
public sealed class ManageTaxRates(ITaxRateStore store, TimeProvider clock)
{
    public async Task<IReadOnlyList<ManagedTaxRate>> ListAsync(string? country, CancellationToken ct)
    {
        var wanted = string.IsNullOrWhiteSpace(country) ? null : country.Trim().ToUpperInvariant();
        if (wanted is not null && (wanted.Length != 2 || !wanted.All(char.IsAsciiLetterUpper)))
            throw ValidationFailedException.For("country", "must be a two-letter ISO 3166-1 country code such as DE.");
        return (await store.ListAsync(ct))
            .Select(r => r.Value)
            .Where(r => wanted is null || r.Country == wanted)
            .OrderBy(r => r.Country, StringComparer.Ordinal).ThenBy(r => r.Region ?? "", StringComparer.Ordinal).ThenBy(r => r.TaxClass, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<Versioned<ManagedTaxRate>> GetAsync(string id, CancellationToken ct)
    {
        var found = TaxRateRules.IsWellFormedId(id) ? (await store.ListAsync(ct)).FirstOrDefault(r => r.Value.Id == id) : null;
        return found ?? throw new ResourceNotFoundException("Tax rate", id);
    }

    public async Task<Versioned<ManagedTaxRate>> CreateAsync(TaxRateInput input, CancellationToken ct)
    {
        var v = new Validator();
        var rate = TaxRateRules.Build(input, "", clock.GetUtcNow(), v);
        v.ThrowIfInvalid();
        return new Versioned<ManagedTaxRate>(rate!, await store.CreateAsync(rate!, ct));
    }

    /// <summary>Changes a rate's percent (If-Match required). The place and class are the rate's identity: to move a rate, delete it and create another.</summary>
    public async Task<Versioned<ManagedTaxRate>> ReplaceAsync(string id, TaxRateInput input, string? expectedVersion, CancellationToken ct)
    {
        if (expectedVersion is null) throw new VersionRequiredException();
        var current = (await GetAsync(id, ct)).Value;
        var v = new Validator();
        // Fields the body repeats must name this rate's place and class.
        Same(input.Country, current.Country, "country", v);
        Same(input.Region, current.Region, "region", v);
        Same(input.TaxClass, current.TaxClass, "taxClass", v);
        var rate = TaxRateRules.Build(new TaxRateInput(current.Country, current.Region, current.TaxClass, input.Percent), "", clock.GetUtcNow(), v);
        v.ThrowIfInvalid();
        return new Versioned<ManagedTaxRate>(rate!, await store.ReplaceAsync(rate!, expectedVersion, ct));
    }

    private static void Same(string? given, string? current, string field, Validator v)
    {
        if (given is null) return;
        var normalised = string.IsNullOrWhiteSpace(given) ? null : field == "taxClass" ? given.Trim() : given.Trim().ToUpperInvariant();
        v.Check(normalised == current, field, $"is the rate's identity ({current ?? "none"}) and cannot change: delete this rate and create another instead.");
    }

    /// <summary>Removes a rate. Checkouts to a place left with no rate are then refused, not taxed at 0.</summary>
    public async Task DeleteAsync(string id, string? expectedVersion, CancellationToken ct)
    {
        var current = await GetAsync(id, ct);
        await store.DeleteAsync(id, expectedVersion ?? current.Version, ct);
    }

    /// <summary>
    /// Adds or replaces the rates a file lists (rates it does not list stay). Every row is checked first (values, and the
    /// same place and class twice), and every error is reported at once, keyed <c>rows[LINE].column</c> by the row's
    /// line in the file; then all rows are written in one write, or none.
    /// </summary>
    public async Task<TaxRateImportResult> ImportAsync(IReadOnlyList<TaxRateImportRow> rows, CancellationToken ct)
    {
        var v = new Validator();
        if (!v.Check(rows.Count > 0, "file", "has no rows: send a header line and one line per rate.")
            | !v.Check(rows.Count <= TaxRateRules.MaximumImportRows, "file", $"has {rows.Count} rows; send at most {TaxRateRules.MaximumImportRows} at a time."))
            v.ThrowIfInvalid();

        var now = clock.GetUtcNow();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var rates = new List<ManagedTaxRate>(rows.Count);
        foreach (var row in rows)
        {
            var prefix = $"rows[{row.Line}].";
            var percentText = row.Percent?.Trim().TrimEnd('%').TrimEnd();
            decimal? percent = null;
            var readable = true;
            if (!string.IsNullOrEmpty(percentText))
            {
                readable = decimal.TryParse(percentText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed);
                if (readable) percent = parsed;
                else v.Add(prefix + "percent", $"is not a number such as 19 or 8.875 (was '{row.Percent}'; use a dot for decimals).");
            }
            // An unreadable percent is reported once; the row's other cells are still checked.
            var rate = TaxRateRules.Build(new TaxRateInput(row.Country, row.Region, row.TaxClass, readable ? percent : 0), prefix, now, v);
            if (rate is null || !readable) continue;
            if (seen.TryGetValue(rate.Id, out var first))
                v.Add(prefix + "country", $"repeats line {first} ({rate.Id}): a place and class may have one rate.");
            else
            {
                seen[rate.Id] = row.Line;
                rates.Add(rate);
            }
        }
        v.ThrowIfInvalid();
        return await store.UpsertAllAsync(rates, ct);
    }
}
