using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.FlashSales;

/// <summary>Flash sales, run by marketers and admins (docs/marketing.md#flash-sales).</summary>
public sealed class FlashSaleFunctions(ManageFlashSales manage)
{
    [Function("ListFlashSales")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flash sales", "List flash sales, the latest start first", Response = typeof(PageBody<FlashSale>), Query = [
        "pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "flash-sales")] HttpRequest req, CancellationToken ct) =>
        Api.Page(await manage.ListAsync(req.Query("pageSize"), req.Query("continuationToken"), ct));

    [Function("GetFlashSale")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flash sales", "Get a flash sale by id", Response = typeof(FlashSale))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "flash-sales/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.GetAsync(id, ct));

    [Function("CreateFlashSale")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flash sales", "Create a flash sale, now or scheduled ahead: variants with a sale price and a cap each, a per-customer limit (send an Idempotency-Key to make retries safe)",
        Request = typeof(FlashSaleInput), Response = typeof(FlashSale), SuccessStatus = 201)]
    public async Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "flash-sales")] HttpRequest req, CancellationToken ct)
    {
        var created = await manage.CreateAsync(await req.ReadJsonAsync<FlashSaleInput>(), ct);
        return Api.Created($"/api/flash-sales/{created.Value.Id}", created);
    }

    [Function("ExtendFlashSale")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flash sales", "Move the end of a sale that has not ended to a later time (If-Match optional)", Request = typeof(FlashSaleExtension), Response = typeof(FlashSale))]
    public async Task<IActionResult> Extend([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "flash-sales/{id}/extend")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.ExtendAsync(id, await req.ReadJsonAsync<FlashSaleExtension>(), req.IfMatch(), ct));

    [Function("EndFlashSale")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flash sales", "End a live sale now, or call off a scheduled one (If-Match optional)", Response = typeof(FlashSale))]
    public async Task<IActionResult> End([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "flash-sales/{id}/end")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.EndAsync(id, req.IfMatch(), ct));

    [Function("PreviewFlashSale")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flash sales", "What a product read will show for each product of the sale at a given time", Response = typeof(FlashSalePreview), Query = [
        "at: date and time (ISO 8601), default now"])]
    public async Task<IActionResult> Preview([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "flash-sales/{id}/preview")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.PreviewAsync(id, req.Query("at"), ct));

    [Function("GetFlashSaleResults")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flash sales", "A sale's results: units sold, revenue and buyers of paid orders, units held by checkouts in progress, units left per variant", Response = typeof(FlashSaleResults))]
    public async Task<IActionResult> Results([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "flash-sales/{id}/results")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.ResultsAsync(id, ct));
}
