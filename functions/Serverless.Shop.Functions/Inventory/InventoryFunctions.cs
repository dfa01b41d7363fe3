using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Functions.Inventory;

public sealed class InventoryFunctions(ManageStock stock, NotifyLowStock notifyLowStock)
{
    [Function("GetStock")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support)]
    [ApiDoc("Inventory", "Stock of a SKU per warehouse, live reservations, units available, its low-stock threshold and recent adjustments", Response = typeof(StockLevel))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inventory/{sku}")] HttpRequest req, string sku, CancellationToken ct) =>
        Api.Ok(stock.LevelOf(await stock.GetAsync(sku, ct)));

    [Function("AdjustStock")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Inventory", "Add or remove units with a reason (reason count sets the quantity); never below zero", Request = typeof(StockAdjustmentInput), Response = typeof(StockLevel))]
    public async Task<IActionResult> Adjust([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inventory/{sku}/adjustments")] HttpRequest req, string sku, CancellationToken ct)
    {
        var input = await req.ReadJsonAsync<StockAdjustmentInput>();
        return Api.Ok(stock.LevelOf(await stock.AdjustAsync(sku, input, req.OperationId("adj"), req.Actor(), ct)));
    }

    [Function("ListStockAdjustments")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support)]
    [ApiDoc("Inventory", "The audit trail of a SKU, newest first", Response = typeof(PageBody<StockAdjustment>), Query = ["pageSize: 1-100", "continuationToken: from the previous page"])]
    public async Task<IActionResult> ListAdjustments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inventory/{sku}/adjustments")] HttpRequest req, string sku, CancellationToken ct) =>
        Api.Page(await stock.ListAdjustmentsAsync(sku, req.Query("pageSize"), req.Query("continuationToken"), ct));

    [Function("SetLowStockThreshold")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Inventory", "Set the quantity below which merchandisers are alerted: for the SKU as a whole, or with warehouse for that warehouse alone (0 turns alerts off)", Request = typeof(LowStockThresholdInput), Response = typeof(StockLevel))]
    public async Task<IActionResult> SetThreshold([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inventory/{sku}/low-stock-threshold")] HttpRequest req, string sku, CancellationToken ct) =>
        Api.Ok(stock.LevelOf(await stock.SetThresholdAsync(sku, await req.ReadJsonAsync<LowStockThresholdInput>(), ct)));

    /// <summary>Tells the merchandisers by email and the rest of the business by an integration event.</summary>
    [Function("NotifyLowStock")]
    public Task NotifyLowStock([QueueTrigger(WorkQueues.LowStockAlerts)] string message, CancellationToken ct) =>
        notifyLowStock.HandleAsync(JsonSerializer.Deserialize<LowStockAlert>(message, ShopJson.Options)!, ct);
}
