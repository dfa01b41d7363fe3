using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Privacy;

/// <summary>Personal-data protection as staff use it (docs/security.md).</summary>
public sealed class PrivacyFunctions(ErasePersonalData erasure)
{
    [Function("ErasePersonalData")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Privacy", "Erase a customer's personal data, or a guest order's, by destroying its data key (crypto-shredding): it can no longer be read anywhere, copies and backups of the documents included; orders keep amounts, dates and products. Cannot be undone",
        Request = typeof(ErasureInput), Response = typeof(ErasureResult))]
    public async Task<IActionResult> Erase([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "privacy/erasures")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await erasure.EraseAsync(await req.ReadJsonAsync<ErasureInput>(), ct));
}
