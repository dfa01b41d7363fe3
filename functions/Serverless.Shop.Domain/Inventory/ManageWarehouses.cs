using System.Text;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>
/// The warehouses staff keep: create, read, replace (deactivate instead of delete: stock and orders refer to them), and
/// the one-off migration of the free-form warehouse names stock used before warehouses were entities.
/// </summary>
public sealed class ManageWarehouses(IWarehouseStore store, IInventoryStore inventory, TimeProvider clock)
{
    private const int MaximumAttempts = 8;

    /// <summary>Every warehouse, by priority then id. Cosmos DB: one point read.</summary>
    public async Task<IReadOnlyList<Warehouse>> ListAsync(CancellationToken ct) =>
        (await store.ReadAsync(ct)).Directory.Warehouses.OrderBy(w => w.Priority).ThenBy(w => w.Id, StringComparer.Ordinal).ToList();

    public async Task<Warehouse> GetAsync(string id, CancellationToken ct) =>
        (WarehouseRules.IsValidId(id) ? (await store.ReadAsync(ct)).Directory.Find(id) : null) ?? throw new ResourceNotFoundException("Warehouse", id);

    /// <summary>
    /// The warehouse stock may be booked into: it exists and is active. Field <paramref name="field"/> names the problem:
    /// an unknown id is a validation failure (400), an inactive warehouse a conflict (409).
    /// </summary>
    public static Warehouse RequireActive(WarehouseDirectory directory, string id, string field)
    {
        var warehouse = directory.Find(id) ?? throw ValidationFailedException.For(field, $"There is no warehouse '{id}'. GET /api/warehouses lists them.");
        if (!warehouse.Active) throw new BusinessRuleViolationException($"Warehouse '{id}' is inactive: activate it before booking stock into it.", field);
        return warehouse;
    }

    /// <summary>Adds a warehouse. Its id is given, or made from its name (lower case, hyphens). Duplicate ids and names (ignoring case) are 409.</summary>
    public async Task<Warehouse> CreateAsync(WarehouseInput input, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new Validator();
        var id = string.IsNullOrWhiteSpace(input?.Id) ? IdFrom(input?.Name) : input.Id.Trim();
        v.Check(WarehouseRules.IsValidId(id), "id", "must be 1 to 32 lower-case letters, digits or hyphens, starting with a letter or digit.");
        var warehouse = WarehouseRules.Build(input, id, NewVersion(), now, now, v);
        v.ThrowIfInvalid();
        await ChangeAsync(list =>
        {
            if (list.Any(w => w.Id == id))
                throw new DuplicateResourceException("id", $"A warehouse '{id}' exists already.");
            RequireUniqueName(list, warehouse!);
            if (list.Count >= WarehouseRules.MaximumWarehouses)
                throw new BusinessRuleViolationException($"The shop has {WarehouseRules.MaximumWarehouses} warehouses, the most it keeps; deactivate and reuse one.");
            list.Add(warehouse!);
        }, ct);
        return warehouse!;
    }

    /// <summary>Replaces a warehouse's details (If-Match required: its version). The id cannot change.</summary>
    public async Task<Warehouse> ReplaceAsync(string id, WarehouseInput input, string? expectedVersion, CancellationToken ct)
    {
        if (expectedVersion is null) throw new VersionRequiredException();
        var current = await GetAsync(id, ct);
        var v = new Validator();
        if (input?.Id is { } givenId) v.Check(givenId.Trim() == id, "id", $"is the warehouse's identity ({id}) and cannot change.");
        var replacement = WarehouseRules.Build(input, id, NewVersion(), current.CreatedAt, clock.GetUtcNow(), v);
        v.ThrowIfInvalid();
        await ChangeAsync(list =>
        {
            var index = list.FindIndex(w => w.Id == id);
            if (index < 0) throw new ResourceNotFoundException("Warehouse", id);
            if (list[index].Version != expectedVersion) throw new StaleVersionException("Warehouse");
            RequireUniqueName(list, replacement!);
            list[index] = replacement!;
        }, ct);
        return replacement!;
    }

    /// <summary>
    /// Makes a warehouse of every free-form name the stock documents use that is not one yet: id = the name (names were
    /// already lower-case letters, digits and hyphens), so no stock document is rewritten. A migrated warehouse is active
    /// (its stock stays sellable) but has no address or location yet: it ships to the countries the request lists, and staff
    /// complete it with PUT. Running it again creates nothing. Cosmos DB: one query over the stock documents, one read and
    /// at most one write of the directory.
    /// </summary>
    public async Task<WarehouseMigrationResult> MigrateAsync(WarehouseMigrationInput? input, CancellationToken ct)
    {
        var v = new Validator();
        var shipsTo = new List<string>();
        if (v.Required(input?.ShipsTo, "shipsTo") && v.Check(input!.ShipsTo!.Count is > 0 and <= WarehouseRules.MaximumCountries, "shipsTo", $"must list 1 to {WarehouseRules.MaximumCountries} countries."))
            for (var i = 0; i < input.ShipsTo.Count; i++)
            {
                var code = input.ShipsTo[i]?.Trim().ToUpperInvariant();
                if (v.Check(CountryCodes.IsAssigned(code), $"shipsTo[{i}]", $"'{input.ShipsTo[i]}' is not an ISO 3166-1 alpha-2 country code such as DE or US.") && !shipsTo.Contains(code!))
                    shipsTo.Add(code!);
            }
        v.ThrowIfInvalid();
        var names = await inventory.ListWarehouseNamesAsync(ct);
        var now = clock.GetUtcNow();
        var created = new List<string>();
        var existing = new List<string>();
        await ChangeAsync(list =>
        {
            created.Clear();
            existing.Clear();
            foreach (var name in names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                if (list.Any(w => w.Id == name)) { existing.Add(name); continue; }
                if (!WarehouseRules.IsValidId(name)) continue; // never written by the old API, which had the same rule
                list.Add(new Warehouse(name, UniqueName(list, name), null, null, shipsTo.Order(StringComparer.Ordinal).ToList(), WarehouseRules.MaximumPriority, true,
                    WarehouseRules.DefaultDispatch, NewVersion(), now, now));
                created.Add(name);
            }
        }, ct, writeWhenUnchanged: false);
        return new WarehouseMigrationResult(created, existing);
    }

    private static string UniqueName(List<Warehouse> list, string name)
    {
        var candidate = name;
        for (var n = 2; list.Any(w => string.Equals(w.Name, candidate, StringComparison.OrdinalIgnoreCase)); n++) candidate = $"{name} ({n})";
        return candidate;
    }

    private static void RequireUniqueName(List<Warehouse> list, Warehouse warehouse)
    {
        var other = list.FirstOrDefault(w => w.Id != warehouse.Id && string.Equals(w.Name, warehouse.Name, StringComparison.OrdinalIgnoreCase));
        if (other is not null) throw new DuplicateResourceException("name", $"Warehouse '{other.Id}' is named '{other.Name}' already.");
    }

    /// <summary>A readable id from a name: "Berlin Nord" becomes "berlin-nord"; letters outside a-z are dropped.</summary>
    public static string IdFrom(string? name)
    {
        var id = new StringBuilder();
        foreach (var c in (name ?? "").Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) id.Append(c);
            else if ((char.IsWhiteSpace(c) || c is '-' or '_') && id.Length > 0 && id[^1] != '-') id.Append('-');
        }
        var trimmed = id.ToString().Trim('-');
        return trimmed.Length > 32 ? trimmed[..32].TrimEnd('-') : trimmed;
    }

    private static string NewVersion() => Guid.NewGuid().ToString("N");

    // The directory is one document: read, change, write under its ETag; a concurrent change to another warehouse reads again and retries.
    private async Task ChangeAsync(Action<List<Warehouse>> change, CancellationToken ct, bool writeWhenUnchanged = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (directory, version) = await store.ReadAsync(ct);
            var list = directory.Warehouses.ToList();
            change(list);
            if (!writeWhenUnchanged && list.Count == directory.Warehouses.Count) return;
            try
            {
                await store.SaveAsync(new WarehouseDirectory(list), version, ct);
                return;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }
}
