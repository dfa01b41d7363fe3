using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Loyalty;

/// <summary>A customer's points (docs/loyalty.md). Points follow order changes through <c>NotifyOrderChange</c>; the timer releases and expires them.</summary>
public sealed class LoyaltyFunctions(PointsLedger points)
{
    [Function("GetMyPoints")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Loyalty", "The signed-in customer's points: available to spend, pending until the return window has passed, and the recent movements, newest first",
        Response = typeof(PointsView))]
    public async Task<IActionResult> GetMine([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/points")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await points.GetAsync(req.Actor(), ct));

    /// <summary>Hourly: pending points whose return window has passed become available; points past their expiry go.</summary>
    [Function("ReleaseAndExpirePoints")]
    public async Task ReleaseAndExpire([TimerTrigger("0 40 * * * *")] TimerInfo timer, CancellationToken ct) =>
        await points.ApplyDueAsync(ct);
}
