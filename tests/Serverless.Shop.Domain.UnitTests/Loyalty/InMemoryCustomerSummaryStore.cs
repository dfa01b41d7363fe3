using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;

namespace Serverless.Shop.Domain.UnitTests.Loyalty;

/// <summary>Summaries in memory with versions like Cosmos DB's ETags, counting writes.</summary>
internal sealed class InMemoryCustomerSummaryStore : ICustomerSummaryStore
{
    private readonly Dictionary<string, Versioned<CustomerSummary>> _summaries = [];
    private int _lastVersion;

    public int Saves { get; private set; }

    public CustomerSummary? Current(string customerId) => _summaries.GetValueOrDefault(customerId)?.Value;

    public Task<Versioned<CustomerSummary>?> FindAsync(string customerId, CancellationToken ct) =>
        Task.FromResult(_summaries.GetValueOrDefault(customerId));

    public Task SaveAsync(CustomerSummary summary, string? expectedVersion, CancellationToken ct)
    {
        if (_summaries.GetValueOrDefault(summary.CustomerId)?.Version != expectedVersion) throw new StaleVersionException("Purchase history");
        _summaries[summary.CustomerId] = new(summary, (++_lastVersion).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Saves++;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>([.. _summaries.Values.Where(s => s.Value.NextReviewAt <= now).Select(s => s.Value.CustomerId).Take(max)]);

    public Task DeleteAsync(string customerId, CancellationToken ct)
    {
        _summaries.Remove(customerId);
        return Task.CompletedTask;
    }
}

/// <summary>Points accounts in memory with versions like Cosmos DB's ETags.</summary>
internal sealed class InMemoryPointsStore : IPointsAccountStore
{
    private readonly Dictionary<string, Versioned<PointsAccount>> _accounts = [];
    private int _lastVersion;

    public PointsAccount? Current(string customerId) => _accounts.GetValueOrDefault(customerId)?.Value;

    public Task<Versioned<PointsAccount>?> FindAsync(string customerId, CancellationToken ct) => Task.FromResult(_accounts.GetValueOrDefault(customerId));

    public Task SaveAsync(PointsAccount account, string? expectedVersion, CancellationToken ct)
    {
        if (_accounts.GetValueOrDefault(account.CustomerId)?.Version != expectedVersion) throw new StaleVersionException("Points account");
        _accounts[account.CustomerId] = new(account, (++_lastVersion).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);
}
