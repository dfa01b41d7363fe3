using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Marketing.Attribution;

namespace Serverless.Shop.Functions.Marketing.Attribution;

/// <summary>The Google Ads offline-conversion export (docs/marketing.md, "Ads feeds and attribution").</summary>
public sealed class ConversionExportFunctions(ExportGoogleAdsConversions export)
{
    [Function("ExportGoogleAdsConversions")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Marketing", "Paid orders with a Google click id, paid in a period, as Google Ads' offline-conversion upload CSV (Google Click ID, Conversion Name, Conversion Time, Conversion Value, Conversion Currency)",
        Query = ["from: start of the period, inclusive: 2026-12-01 (UTC midnight) or 2026-12-01T08:00:00Z; within the last 90 days", "to: end, exclusive, same forms; left out: now. At most 90 days after from"])]
    public async Task<IActionResult> Export([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "marketing/conversions/google-ads")] HttpRequest req, CancellationToken ct) =>
        Api.Text("text/csv; charset=utf-8", GoogleAdsConversionCsv.Render(await export.ExportAsync(req.Query("from"), req.Query("to"), ct)));
}
