using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.Domain.Privacy;

/// <summary>A customer's data as they (or support, on their request) download it: one property per capability's section.</summary>
public sealed record PersonalDataExport(string CustomerId, DateTimeOffset ExportedAt, IReadOnlyDictionary<string, object?> Sections);

/// <summary>
/// The right of access and to data portability (GDPR articles 15 and 20): everything the shop keeps about a customer, its
/// personal values opened, as one JSON document. The sections come from every capability that keeps the customer's data
/// (<see cref="IPersonalDataExportSection"/>). Proof: PersonalDataExportTests.
/// </summary>
public sealed class ExportPersonalData(IEnumerable<IPersonalDataExportSection> sections, TimeProvider clock)
{
    public Task<PersonalDataExport> ExportMineAsync(Actor customer, CancellationToken ct) => ExportAsync(customer.Id, ct);

    public async Task<PersonalDataExport> ExportAsync(string customerId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(customerId)) throw new ArgumentException("A customer id is required.", nameof(customerId));
        var gathered = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var section in sections)
            gathered.Add(section.Name, await section.ExportAsync(customerId, ct));
        return new PersonalDataExport(customerId, clock.GetUtcNow(), gathered);
    }
}
