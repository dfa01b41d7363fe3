using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Privacy;

namespace Serverless.Shop.Functions.Privacy;

/// <summary>Personal-data protection: a customer's export, and erasure and exports as staff use them (docs/security.md).</summary>
public sealed class PrivacyFunctions(ErasePersonalData erasure, ExportPersonalData export, DataKeyRewrapping rewrapping, ILogger<PrivacyFunctions> logger)
{
    [Function("ErasePersonalData")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Privacy", "Erase a customer's personal data, or a guest order's, by destroying its data key (crypto-shredding): it can no longer be read anywhere, copies and backups of the documents included; orders keep amounts, dates and products. Cannot be undone",
        Request = typeof(ErasureInput), Response = typeof(ErasureResult))]
    public async Task<IActionResult> Erase([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "privacy/erasures")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await erasure.EraseAsync(await req.ReadJsonAsync<ErasureInput>(), ct));

    [Function("EraseMyAccount")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Privacy", "Erase the signed-in customer's account: the sign-in account is deleted and their data key destroyed, so nothing personal about them can be read again, backups included; orders keep their books. Send { \"confirm\": true }. Refused (409) while one of their orders is open. Cannot be undone",
        Request = typeof(MyErasureInput), Response = typeof(ErasureResult))]
    public async Task<IActionResult> EraseMine([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/erasure")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await erasure.EraseMineAsync(req.Actor(), await req.ReadJsonAsync<MyErasureInput>(), ct));

    [Function("ExportMyPersonalData")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Privacy", "Download everything the shop keeps about the signed-in customer, personal values readable, as one JSON document (GDPR articles 15 and 20)",
        Response = typeof(PersonalDataExport))]
    public async Task<IActionResult> ExportMine([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/data-export")] HttpRequest req, CancellationToken ct) =>
        AsDownload(await export.ExportMineAsync(req.Actor(), ct));

    [Function("ExportCustomerPersonalData")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Privacy", "Download everything the shop keeps about a customer, on the customer's request (GDPR articles 15 and 20); who asked is logged",
        Response = typeof(PersonalDataExport))]
    public async Task<IActionResult> ExportCustomer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "privacy/exports/{customerId}")] HttpRequest req, string customerId, CancellationToken ct)
    {
        var result = await export.ExportAsync(customerId, ct);
        // An export hands a person's data to staff: keep who asked (ids only, never the data) for the data-protection officer.
        logger.LogInformation("Personal data of customer {CustomerId} exported by {StaffId}", customerId, req.Actor().Id);
        return AsDownload(result);
    }

    /// <summary>
    /// Nightly: data keys still wrapped with an older KEK version are wrapped with the current one, so a rotated KEK's old
    /// versions can be disabled once a run logs that none is left. Run it at once from the portal after a rotation.
    /// </summary>
    [Function("RewrapDataKeys")]
    public async Task RewrapDataKeys([TimerTrigger("0 20 3 * * *")] TimerInfo timer, CancellationToken ct) =>
        await rewrapping.RunAsync(ct);

    // A browser saves it as a file; an API client reads the same JSON.
    private static ApiResult AsDownload(PersonalDataExport result) =>
        Api.Ok(result).WithHeader("Content-Disposition", $"attachment; filename=\"personal-data-{result.ExportedAt:yyyyMMdd}.json\"");
}
