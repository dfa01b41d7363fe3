using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Loyalty;

/// <summary>
/// A customer's purchase history and personal offers (docs/loyalty.md). The history follows order changes through
/// <c>NotifyOrderChange</c>; the nightly timer downgrades tiers, re-evaluates segments and issues the next offers.
/// </summary>
public sealed class PurchaseHistoryFunctions(CustomerHistory history)
{
    [Function("GetMyPurchaseHistory")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Loyalty", "The signed-in customer's orders with totals and status (newest first, paged), their lifetime spend, order count, 12-month spend, tier and segments",
        Response = typeof(PurchaseHistoryView), Query = ["pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> GetMine([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/purchase-history")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await history.GetMineAsync(req.Actor(), req.Query("pageSize"), req.Query("continuationToken"), ct));

    [Function("GetMyOffers")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Loyalty", "The signed-in customer's current personal offers: single-use codes for them alone, valid now and not used yet",
        Response = typeof(IReadOnlyList<PersonalOffer>))]
    public async Task<IActionResult> GetMyOffers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/offers")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await history.GetMyOffersAsync(req.Actor(), ct));

    /// <summary>Nightly: tiers follow spend leaving the 12-month window (downgrades), segments follow time (inactivity), offers that ran out are replaced.</summary>
    [Function("ReviewCustomerStandings")]
    public async Task Review([TimerTrigger("0 20 2 * * *")] TimerInfo timer, CancellationToken ct) =>
        await history.ReviewDueAsync(ct);
}
