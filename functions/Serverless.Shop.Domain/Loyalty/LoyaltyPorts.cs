using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>Every customer's points account, one document each, written whole under its version (ETag).</summary>
public interface IPointsAccountStore
{
    Task<Versioned<PointsAccount>?> FindAsync(string customerId, CancellationToken ct);

    /// <summary>Creates the account when <paramref name="expectedVersion"/> is null, else replaces that version.</summary>
    /// <exception cref="StaleVersionException">Someone else wrote the account first (or created it first).</exception>
    Task SaveAsync(PointsAccount account, string? expectedVersion, CancellationToken ct);

    /// <summary>Customers whose account has something due (pending points to release, points to expire) at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct);
}

/// <summary>Every customer's purchase history and standing (<see cref="CustomerSummary"/>), one document each, written whole under its version (ETag).</summary>
public interface ICustomerSummaryStore
{
    Task<Versioned<CustomerSummary>?> FindAsync(string customerId, CancellationToken ct);

    /// <summary>Creates the summary when <paramref name="expectedVersion"/> is null, else replaces that version.</summary>
    /// <exception cref="StaleVersionException">Someone else wrote the summary first (or created it first).</exception>
    Task SaveAsync(CustomerSummary summary, string? expectedVersion, CancellationToken ct);

    /// <summary>Customers whose summary is due for review (<see cref="CustomerSummary.NextReviewAt"/>) at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct);

    /// <summary>Deletes the customer's summary (erasure); nothing to delete is fine.</summary>
    Task DeleteAsync(string customerId, CancellationToken ct);
}
