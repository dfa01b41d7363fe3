using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.LocalHost.Seeding;

/// <summary>
/// Saves the rate table the local shop prices with, so that a developer edits a real document from the first run
/// (GET/PUT /api/shipping/rates, with its ETag). It is the defaults made from the local zones
/// (<see cref="ManagedRateTable.Defaults"/>), which in Azure apply as well while no table is saved: the fees do not
/// change by seeding, only where they are read from. A table saved before is left alone.
/// </summary>
public static class LocalRateTable
{
    public static async Task SeedIfMissingAsync(IServiceProvider services, CancellationToken ct)
    {
        var rates = services.GetRequiredService<ManageRateTable>();
        var current = await rates.GetAsync(ct);
        if (current.Version != ManageRateTable.DefaultsVersion) return;
        var store = services.GetRequiredService<IRateTableStore>();
        var clock = services.GetRequiredService<TimeProvider>();
        try
        {
            await store.SaveAsync(current.Value with { UpdatedAt = clock.GetUtcNow(), UpdatedBy = "system:local-host" }, null, ct);
        }
        catch (StaleVersionException)
        {
            // Another local shop on the same emulator saved it first.
        }
    }
}
