using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Pricing;

/// <summary>Promotions and coupon codes, managed by marketers and admins.</summary>
public sealed class PromotionFunctions(ManagePromotions manage)
{
    [Function("ListPromotions")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Promotions", "List promotions, newest first, filtered and paged", Response = typeof(PageBody<Promotion>), Query = [
        "live: true (applies now: enabled and within its dates) or false", "enabled: true or false", "code: codes starting with this (any case)",
        "pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "promotions")] HttpRequest req, CancellationToken ct) =>
        Api.Page(await manage.ListAsync(new PromotionListQuery(req.Query("live"), req.Query("enabled"), req.Query("code"), req.Query("pageSize"), req.Query("continuationToken")), ct));

    [Function("GetPromotion")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Promotions", "Get a promotion by id", Response = typeof(Promotion))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "promotions/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.GetAsync(id, ct));

    [Function("GetPromotionUsage")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Promotions", "How much of a promotion's usage limit is held by checkouts, redeemed by paid orders, and left", Response = typeof(PromotionUsage))]
    public async Task<IActionResult> GetUsage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "promotions/{id}/usage")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.GetUsageAsync(id, ct));

    [Function("CreatePromotion")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Promotions", "Create a promotion or coupon code (send an Idempotency-Key to make retries safe)", Request = typeof(PromotionInput), Response = typeof(Promotion), SuccessStatus = 201)]
    public async Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "promotions")] HttpRequest req, CancellationToken ct)
    {
        var created = await manage.CreateAsync(await req.ReadJsonAsync<PromotionInput>(), ct);
        return Api.Created($"/api/promotions/{created.Value.Id}", created);
    }

    [Function("ReplacePromotion")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Promotions", "Replace a promotion's fields (If-Match required); enabled: false pauses it", Request = typeof(PromotionInput), Response = typeof(Promotion))]
    public async Task<IActionResult> Replace([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "promotions/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.ReplaceAsync(id, await req.ReadJsonAsync<PromotionInput>(), req.IfMatch(), ct));

    [Function("DeletePromotion")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Promotions", "Delete a promotion and free its code (orders that used it keep their uses)", SuccessStatus = 204)]
    public async Task<IActionResult> Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "promotions/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await manage.DeleteAsync(id, req.IfMatch(), ct);
        return Api.NoContent();
    }
}
