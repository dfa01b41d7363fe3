using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>
/// A place stock is kept and parcels leave from. <see cref="Id"/> is the key stock refers to (the warehouse names of
/// the old free-form stock became ids unchanged, see <see cref="ManageWarehouses.MigrateAsync"/>). <see cref="Location"/>
/// is null only for a warehouse the migration created, until someone gives it an address: allocation then ranks it by
/// priority alone.
/// </summary>
public sealed record Warehouse(
    string Id, string Name, ShippingAddress? Address, GeoPoint? Location, IReadOnlyList<string> ShipsTo,
    int Priority, bool Active, DispatchCalendar Dispatch, string Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool ShipsToCountry(string? country) => country is not null && ShipsTo.Contains(country.Trim().ToUpperInvariant(), StringComparer.Ordinal);
}

/// <summary>What staff send to create or replace a warehouse. Cut-off is <c>HH:mm</c>, holidays <c>yyyy-MM-dd</c>.</summary>
public sealed record WarehouseInput(
    string? Id, string? Name, ShippingAddress? Address, GeoPointInput? Location, IReadOnlyList<string>? ShipsTo,
    int? Priority, bool? Active, DispatchInput? Dispatch);

public sealed record GeoPointInput(double? Latitude, double? Longitude);

public sealed record DispatchInput(string? CutOff, string? TimeZone, IReadOnlyList<string>? Holidays);

/// <summary>The rules a warehouse must keep, checked all at once so that staff learn every mistake in one answer.</summary>
public static partial class WarehouseRules
{
    public const int MaximumNameLength = 80;
    public const int MaximumCountries = 250;
    public const int MaximumHolidays = 400;
    public const int MaximumPriority = 1000;
    public const int MaximumWarehouses = 200;

    /// <summary>The cut-off of a warehouse that has none yet (a migrated one): noon, UTC.</summary>
    public static readonly DispatchCalendar DefaultDispatch = new(new TimeOnly(12, 0), "Etc/UTC", []);

    /// <summary>Ids are what stock documents key their levels by: lower-case letters, digits and hyphens, as the old free-form names were.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The warehouse <paramref name="input"/> describes, or null with every problem in <paramref name="v"/>.</summary>
    public static Warehouse? Build(WarehouseInput? input, string id, string version, DateTimeOffset createdAt, DateTimeOffset now, Validator v)
    {
        if (!v.Required(input, "body")) return null;
        var name = input!.Name?.Trim();
        if (v.Required(name, "name")) v.MaxLength(name, MaximumNameLength, "name");

        ShippingAddress? address = null;
        if (input.Address is not null)
        {
            ShippingAddressRules.Validate(input.Address with { Name = input.Address.Name ?? name }, "address", v);
            if (!v.HasErrorsUnder("address.country"))
                v.Check(CountryCodes.IsAssigned(input.Address.Country!.Trim()), "address.country", $"'{input.Address.Country}' is not an assigned ISO 3166-1 alpha-2 country code.");
            if (!v.HasErrorsUnder("address")) address = ShippingAddressRules.Normalise(input.Address with { Name = input.Address.Name ?? name });
        }
        else v.Add("address", "is required: parcels leave from it.");

        GeoPoint? location = null;
        if (v.Required(input.Location, "location")
            & v.Required(input.Location?.Latitude, "location.latitude") & v.Required(input.Location?.Longitude, "location.longitude"))
        {
            var point = new GeoPoint(input.Location!.Latitude!.Value, input.Location.Longitude!.Value);
            v.Check(point.Latitude is >= -90 and <= 90 && double.IsFinite(point.Latitude), "location.latitude", "must be from -90 to 90 degrees.");
            v.Check(point.Longitude is >= -180 and <= 180 && double.IsFinite(point.Longitude), "location.longitude", "must be from -180 to 180 degrees.");
            if (point.IsOnTheGlobe()) location = point;
        }

        var shipsTo = new List<string>();
        if (v.Required(input.ShipsTo, "shipsTo")
            && v.Check(input.ShipsTo!.Count is > 0 and <= MaximumCountries, "shipsTo", $"must list 1 to {MaximumCountries} countries."))
        {
            for (var i = 0; i < input.ShipsTo.Count; i++)
            {
                var code = input.ShipsTo[i]?.Trim().ToUpperInvariant();
                if (!v.Check(CountryCodes.IsAssigned(code), $"shipsTo[{i}]", $"'{input.ShipsTo[i]}' is not an ISO 3166-1 alpha-2 country code such as DE or US.")) continue;
                if (!v.Check(!shipsTo.Contains(code!), $"shipsTo[{i}]", $"{code} is listed twice.")) continue;
                shipsTo.Add(code!);
            }
        }

        var priority = input.Priority ?? 100;
        v.Check(priority is >= 0 and <= MaximumPriority, "priority", $"must be from 0 (first) to {MaximumPriority}.");

        var dispatch = BuildDispatch(input.Dispatch, v);
        if (!v.IsValid) return null;
        return new Warehouse(id, name!, address, location, shipsTo.Order(StringComparer.Ordinal).ToList(), priority, input.Active ?? true, dispatch!, version, createdAt, now);
    }

    private static DispatchCalendar? BuildDispatch(DispatchInput? input, Validator v)
    {
        if (input is null) return DefaultDispatch;
        var cutOff = DefaultDispatch.CutOff;
        if (input.CutOff is not null)
            v.Check(TimeOnly.TryParseExact(input.CutOff.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out cutOff),
                "dispatch.cutOff", "must be a local time HH:mm, such as 14:30.");

        var zone = string.IsNullOrWhiteSpace(input.TimeZone) ? DefaultDispatch.TimeZone : input.TimeZone.Trim();
        v.Check(IsKnownTimeZone(zone), "dispatch.timeZone", $"'{zone}' is not an IANA time zone such as Europe/Berlin.");

        var holidays = new SortedSet<DateOnly>();
        var given = input.Holidays ?? [];
        if (v.Check(given.Count <= MaximumHolidays, "dispatch.holidays", $"must list at most {MaximumHolidays} dates."))
            for (var i = 0; i < given.Count; i++)
                if (v.Check(DateOnly.TryParseExact(given[i]?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day),
                        $"dispatch.holidays[{i}]", "must be a date yyyy-MM-dd."))
                    holidays.Add(day);
        return new DispatchCalendar(cutOff, zone, holidays.ToList());
    }

    private static bool IsKnownTimeZone(string zone)
    {
        // IANA names only: "W. Europe Standard Time" would resolve on Windows but not on the Linux hosts the shop runs on.
        if (!zone.Contains('/') && zone != "UTC") return false;
        try { TimeZoneInfo.FindSystemTimeZoneById(zone); return true; }
        catch (TimeZoneNotFoundException) { return false; }
        catch (InvalidTimeZoneException) { return false; }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,31})$")]
    private static partial Regex IdPattern();
}

/// <summary>
/// Every warehouse, kept and written as one document (a shop has a handful; at most <see cref="WarehouseRules.MaximumWarehouses"/>):
/// allocation reads them all in one point read, and a unique name is checked and claimed in the same conditional write.
/// </summary>
public sealed record WarehouseDirectory(IReadOnlyList<Warehouse> Warehouses)
{
    public static readonly WarehouseDirectory Empty = new([]);

    public Warehouse? Find(string id) => Warehouses.FirstOrDefault(w => w.Id == id);
}

/// <summary>Where the warehouses live. <see cref="SaveAsync"/> is optimistic: <see cref="StaleVersionException"/> if the directory changed.</summary>
public interface IWarehouseStore
{
    /// <returns>The directory and its version; <see cref="WarehouseDirectory.Empty"/> and null before the first warehouse.</returns>
    Task<(WarehouseDirectory Directory, string? Version)> ReadAsync(CancellationToken ct);

    /// <summary>
    /// The directory as read at most a few seconds ago (the Cosmos store keeps it 30 s): for pricing a parcel, where a
    /// warehouse created a moment ago may be missed. Stock is never reserved on it: reservations read
    /// <see cref="ReadAsync"/>.
    /// </summary>
    async Task<WarehouseDirectory> ReadRecentAsync(CancellationToken ct) => (await ReadAsync(ct)).Directory;

    /// <param name="expectedVersion">Null to create the directory.</param>
    Task SaveAsync(WarehouseDirectory directory, string? expectedVersion, CancellationToken ct);
}

/// <summary>What the migration of free-form warehouse names did: the warehouses it created (none on a second run).</summary>
public sealed record WarehouseMigrationInput(IReadOnlyList<string>? ShipsTo);

public sealed record WarehouseMigrationResult(IReadOnlyList<string> Created, IReadOnlyList<string> AlreadyWarehouses);
