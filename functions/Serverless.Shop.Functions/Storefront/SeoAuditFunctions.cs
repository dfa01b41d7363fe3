using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Storefront;

public sealed class SeoAuditFunctions(AuditCatalogSeo audit)
{
    [Function("AuditSeo")]
    [RequiresRole(ShopRoles.Marketer, ShopRoles.Admin)]
    [ApiDoc("Storefront", "SEO audit of every product, category and collection page: titles and meta descriptions too long or short, focus keywords missing from title, description, slug or heading, images without alt text, duplicate titles, thin descriptions", Response = typeof(SeoAuditReport))]
    public async Task<IActionResult> Audit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "seo/audit")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await audit.RunAsync(ct)).WithHeader("Cache-Control", "no-store");
}
