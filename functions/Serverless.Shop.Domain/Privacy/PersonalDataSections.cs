namespace Serverless.Shop.Domain.Privacy;

/// <summary>
/// One capability's share of a customer's data export (GDPR articles 15 and 20): the profile, the orders, the points,
/// the reviews... Each capability registers one section; <see cref="ExportPersonalData"/> gathers them all, so a new
/// capability that keeps personal data adds its section and the export follows (PersonalDataExportTests).
/// </summary>
public interface IPersonalDataExportSection
{
    /// <summary>The section's property name in the export (camelCase, unique): "profile", "orders", "points" ...</summary>
    string Name { get; }

    /// <summary>The customer's data in this section, opened (plain values), as JSON-serialisable records; null when there is none.</summary>
    Task<object?> ExportAsync(string customerId, CancellationToken ct);
}

/// <summary>
/// What a capability does to its live documents once a customer's data key is destroyed: their sealed values can no
/// longer be read in any copy, so this only tidies the live containers (drops blind indexes, deletes documents that
/// hold nothing but personal data, rewrites the rest with the erased marker). Runs after the key is gone, and again on
/// a repeated erasure, so it must be safe to run twice.
/// </summary>
public interface IPersonalDataCleanup
{
    Task CleanUpAsync(string customerId, CancellationToken ct);
}
