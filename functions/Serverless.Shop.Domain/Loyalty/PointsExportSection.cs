using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>The points' share of a customer's data export: the balance, the points each order earned, spent and lost, and the movements kept.</summary>
public sealed class PointsExportSection(IPointsAccountStore accounts) : IPersonalDataExportSection
{
    public string Name => "points";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct) =>
        await accounts.FindAsync(customerId, ct) is { } account
            ? new PointsExport(PointsView.Of(account.Value), account.Value.Orders)
            : null;
}

/// <param name="Orders">Per order: the points earned, reversed and spent, and when they become available and expire.</param>
public sealed record PointsExport(PointsView Balance, IReadOnlyList<OrderPoints> Orders);
