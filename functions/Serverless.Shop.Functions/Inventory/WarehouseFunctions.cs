using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Inventory;

/// <summary>Warehouses, kept by merchandisers and admins (docs/shipping.md#warehouses-and-stock).</summary>
public sealed class WarehouseFunctions(ManageWarehouses warehouses, ManageStock stock, TransferStock transfers)
{
    [Function("ListWarehouses")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support)]
    [ApiDoc("Warehouses", "Every warehouse, by priority (one page, continuationToken null)", Response = typeof(PageBody<Warehouse>))]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "warehouses")] HttpRequest req, CancellationToken ct) =>
        Api.Page(new Page<Warehouse>(await warehouses.ListAsync(ct), null));

    [Function("GetWarehouse")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support)]
    [ApiDoc("Warehouses", "One warehouse, with its ETag", Response = typeof(Warehouse))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "warehouses/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(Versioned(await warehouses.GetAsync(id, ct)));

    [Function("CreateWarehouse")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Warehouses", "Add a warehouse: name, address, location (latitude, longitude), the countries it ships to, priority (0 first), dispatch cut-off, time zone and holidays",
        Request = typeof(WarehouseInput), Response = typeof(Warehouse), SuccessStatus = 201)]
    public async Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "warehouses")] HttpRequest req, CancellationToken ct)
    {
        var created = await warehouses.CreateAsync(await req.ReadJsonAsync<WarehouseInput>(), ct);
        return Api.Created($"/api/warehouses/{created.Id}", Versioned(created));
    }

    [Function("ReplaceWarehouse")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Warehouses", "Replace a warehouse's details (If-Match required); active false takes it out of allocation and stock bookings; the id cannot change",
        Request = typeof(WarehouseInput), Response = typeof(Warehouse))]
    public async Task<IActionResult> Replace([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "warehouses/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(Versioned(await warehouses.ReplaceAsync(id, await req.ReadJsonAsync<WarehouseInput>(), req.IfMatch(), ct)));

    [Function("MigrateWarehouses")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Warehouses", "Make a warehouse of every free-form warehouse name stock still uses (id = the name; safe to run again); they ship to shipsTo until completed with PUT",
        Request = typeof(WarehouseMigrationInput), Response = typeof(WarehouseMigrationResult))]
    public async Task<IActionResult> Migrate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "warehouses/migrate")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await warehouses.MigrateAsync(await req.ReadJsonAsync<WarehouseMigrationInput>(), ct));

    [Function("SetStockBin")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Inventory", "Record the bin (shelf location) of a SKU in a warehouse; a null bin clears it", Request = typeof(StockBinInput), Response = typeof(StockLevel))]
    public async Task<IActionResult> SetBin([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inventory/{sku}/bins/{warehouseId}")] HttpRequest req, string sku, string warehouseId, CancellationToken ct) =>
        Api.Ok(stock.LevelOf(await stock.SetBinAsync(sku, warehouseId, await req.ReadJsonAsync<StockBinInput>(), ct)));

    [Function("DispatchStockTransfer")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Inventory", "Dispatch units of a SKU from one warehouse to another: in transit, available in neither until received; units held for checkouts cannot leave",
        Request = typeof(StockTransferInput), Response = typeof(StockTransferResult), SuccessStatus = 201)]
    public async Task<IActionResult> Dispatch([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inventory/{sku}/transfers")] HttpRequest req, string sku, CancellationToken ct)
    {
        var transferId = req.OperationId("trf");
        var item = await transfers.DispatchAsync(sku, await req.ReadJsonAsync<StockTransferInput>(), transferId, req.Actor(), ct);
        var level = stock.LevelOf(item);
        return Api.Created($"/api/inventory/{level.Value.Sku}/transfers/{transferId}", new Versioned<StockTransferResult>(new StockTransferResult(transferId, level.Value), level.Version));
    }

    [Function("ReceiveStockTransfer")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Inventory", "Receive a transfer into its destination warehouse (again: no change)", Response = typeof(StockLevel))]
    public async Task<IActionResult> Receive([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inventory/{sku}/transfers/{transferId}/receipt")] HttpRequest req, string sku, string transferId, CancellationToken ct) =>
        Api.Ok(stock.LevelOf(await transfers.ReceiveAsync(sku, transferId, req.Actor(), ct)));

    private static Versioned<Warehouse> Versioned(Warehouse warehouse) => new(warehouse, warehouse.Version);
}
