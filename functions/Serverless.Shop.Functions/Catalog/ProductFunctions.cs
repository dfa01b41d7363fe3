using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Catalog;

public sealed class ProductFunctions(BrowseCatalog browse, ManageProducts manage, ManageStock stock)
{
    [Function("ListProducts")]
    [PublicEndpoint]
    [ApiDoc("Catalog", "List products, filtered, sorted and paged", Response = typeof(PageBody<Product>), Query = [
        "category: category id or slug (includes its subcategories)", "tag: a tag", "collection: collection id or slug",
        "minPrice: lowest price", "maxPrice: highest price", "attribute: name:value, repeatable (e.g. colour:red)",
        "search: text in the name", "status: draft|active|archived|all (staff only)", "sort: newest|price-asc|price-desc|name",
        "pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products")] HttpRequest req, CancellationToken ct)
    {
        var query = new ProductListingQuery(req.Query("category"), req.Query("tag"), req.Query("collection"), req.Query("minPrice"), req.Query("maxPrice"),
            req.Query["attribute"].Where(a => a is not null).Select(a => a!).ToList(), req.Query("search"), req.Query("status"), req.Query("sort"),
            req.Query("pageSize"), req.Query("continuationToken"));
        return Api.Page(await browse.ListAsync(query, req.Actor(), ct));
    }

    [Function("GetProduct")]
    [PublicEndpoint]
    [ApiDoc("Catalog", "Get a product by id", Response = typeof(Product))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await browse.GetByIdAsync(id, req.Actor(), ct));

    [Function("GetProductBySlug")]
    [PublicEndpoint]
    [ApiDoc("Catalog", "Get a product by its URL slug", Response = typeof(Product))]
    public async Task<IActionResult> GetBySlug([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/by-slug/{slug}")] HttpRequest req, string slug, CancellationToken ct) =>
        Api.Ok(await browse.GetBySlugAsync(slug, req.Actor(), ct));

    [Function("GetProductAvailability")]
    [PublicEndpoint]
    [ApiDoc("Catalog", "Units available for each SKU of a product", Response = typeof(IReadOnlyList<SkuAvailability>))]
    public async Task<IActionResult> GetAvailability([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{id}/availability")] HttpRequest req, string id, CancellationToken ct)
    {
        var product = await browse.GetByIdAsync(id, req.Actor(), ct);
        return Api.Ok(await stock.GetAvailabilityAsync(product.Value, ct));
    }

    [Function("CreateProduct")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Catalog", "Create a product (send an Idempotency-Key to make retries safe)", Request = typeof(ProductInput), Response = typeof(Product), SuccessStatus = 201)]
    public async Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products")] HttpRequest req, CancellationToken ct)
    {
        var created = await manage.CreateAsync(await req.ReadJsonAsync<ProductInput>(), ct);
        return Api.Created($"/api/products/{created.Value.Id}", created);
    }

    [Function("ReplaceProduct")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Catalog", "Replace a product's fields (If-Match required)", Request = typeof(ProductInput), Response = typeof(Product))]
    public async Task<IActionResult> Replace([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "products/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.ReplaceAsync(id, await req.ReadJsonAsync<ProductInput>(), req.IfMatch(), ct));

    [Function("DeleteProduct")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Catalog", "Delete a product and its images", SuccessStatus = 204)]
    public async Task<IActionResult> Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "products/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await manage.DeleteAsync(id, req.IfMatch(), ct);
        return Api.NoContent();
    }
}
