using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Privacy;

/// <summary>A customer's data as they (or support, on their request) download it: one property per capability's section.</summary>
public sealed record PersonalDataExport(string CustomerId, DateTimeOffset ExportedAt, IReadOnlyDictionary<string, object?> Sections);

/// <summary>
/// The right of access and to data portability (GDPR articles 15 and 20): everything the shop keeps about a customer, its
/// personal values opened, as one JSON document. The sections come from every capability that keeps the customer's data
/// (<see cref="IPersonalDataExportSection"/>; a section with nothing about the customer is null). Proof: PersonalDataExportTests.
/// </summary>
public sealed class ExportPersonalData(IEnumerable<IPersonalDataExportSection> sections, TimeProvider clock)
{
    /// <summary>The signed-in customer's own export; a customer the shop keeps nothing about gets every section empty.</summary>
    public Task<PersonalDataExport> ExportMineAsync(Actor customer, CancellationToken ct) => GatherAsync(customer.Id, ct);

    /// <summary>Staff exporting a customer's data on their request: an id the shop keeps nothing about is a 404, not an empty file.</summary>
    public async Task<PersonalDataExport> ExportAsync(string customerId, CancellationToken ct)
    {
        var v = new Validator();
        v.Required(customerId, "customerId");
        v.MaxLength(customerId, ErasePersonalData.MaximumIdLength, "customerId");
        v.ThrowIfInvalid();
        var export = await GatherAsync(customerId.Trim(), ct);
        return export.Sections.Values.Any(section => section is not null) ? export : throw new ResourceNotFoundException("Customer", customerId);
    }

    private async Task<PersonalDataExport> GatherAsync(string customerId, CancellationToken ct)
    {
        var gathered = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var section in sections)
            gathered.Add(section.Name, await section.ExportAsync(customerId, ct));
        return new PersonalDataExport(customerId, clock.GetUtcNow(), gathered);
    }
}
