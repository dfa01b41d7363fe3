using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Shipping;

/// <summary>The shipping rate table, edited by admins and merchandisers (docs/shipping.md#where-the-rules-live).</summary>
public sealed class RateTableFunctions(ManageRateTable rates)
{
    [Function("GetShippingRates")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Shipping", "The shipping rate table with its ETag: per zone its service levels (fees, distance bands, free-shipping threshold, business days), the dimensional divisor, parcel limits and the unmeasured unit; source zones while none was saved (the defaults from Shipping:Zones)",
        Response = typeof(ManagedRateTable))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "shipping/rates")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await rates.GetAsync(ct));

    [Function("ReplaceShippingRates")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Shipping", "Replace the whole rate table (If-Match required: 428 without, 412 when stale); every zone of Shipping:Zones needs a service level, bands ascend and the last is open, fees >= 0, businessDaysMin <= businessDaysMax, limits > 0; errors name the field. Quotes use it within 30 s",
        Request = typeof(RateTableInput), Response = typeof(ManagedRateTable))]
    public async Task<IActionResult> Replace([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "shipping/rates")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await rates.ReplaceAsync(await req.ReadJsonAsync<RateTableInput>(), req.IfMatch(), req.Actor(), ct));
}
