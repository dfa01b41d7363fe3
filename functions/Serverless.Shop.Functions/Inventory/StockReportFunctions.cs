using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Inventory;

/// <summary>Stock reports for merchandisers and admins (docs/shipping.md#stock-reports).</summary>
public sealed class StockReportFunctions(ReportStock reports)
{
    [Function("ReportStockByWarehouse")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Inventory", "Stock per warehouse: per SKU on hand, reserved, available, in transit (inbound) and low, with each page's totals per warehouse. A filtered page may be short or empty while continuationToken is set: follow it until null",
        Response = typeof(StockReport),
        Query = ["warehouse: one warehouse id (default: every warehouse)", "lowOnly: true for only SKUs that are low (in that warehouse, or anywhere)", "pageSize: stock documents read per page, 1-100", "continuationToken: from the previous page"])]
    public async Task<IActionResult> ByWarehouse([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inventory/reports/stock-by-warehouse")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await reports.ByWarehouseAsync(req.Query("warehouse"), req.Query("lowOnly"), req.Query("pageSize"), req.Query("continuationToken"), ct));
}
