using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

/// <summary>A rate table that never changes, for tests of the rates themselves.</summary>
internal sealed class FixedRateTable(RateTable table) : IRateTableSource
{
    public Task<RateTable> GetAsync(CancellationToken ct) => Task.FromResult(table);
}
