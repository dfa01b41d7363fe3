using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.LocalHost.Seeding;

/// <summary>
/// The local shop's one warehouse, <c>main</c> (the warehouse a stock adjustment that names none books into), in Utrecht,
/// shipping wherever the default shipping zones do. Demo data, wired only by the local host: in Azure staff create the
/// warehouses, or run the migration (POST /api/warehouses/migrate) to turn the old free-form names into warehouses.
/// </summary>
public static class DemoWarehouses
{
    public static readonly WarehouseInput Main = new(
        ManageStock.DefaultWarehouse, "Main warehouse",
        new ShippingAddress("Serverless Shop", "Vaartweg 10", null, "Utrecht", "3511 AB", null, "NL", null),
        new GeoPointInput(52.0907, 5.1214),
        [.. ShippingSettings.EuropeanUnion, .. ShippingSettings.DefaultRestOfWorld],
        0, true, new DispatchInput("15:00", "Europe/Amsterdam", []));

    /// <summary>Adds <see cref="Main"/> when the shop has no warehouse yet (a developer's own warehouses are left alone).</summary>
    public static async Task SeedIfEmptyAsync(IServiceProvider services, CancellationToken ct)
    {
        var warehouses = services.GetRequiredService<ManageWarehouses>();
        if ((await warehouses.ListAsync(ct)).Count > 0) return;
        try { await warehouses.CreateAsync(Main, ct); }
        catch (Domain.Common.DuplicateResourceException) { /* another instance seeded it at the same moment */ }
    }
}
