using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Analytics.Behaviour;

/// <summary>
/// What shoppers did, for marketers and admins (docs/analytics.md#behaviour): the funnel, pages, paths and sessions
/// from the behaviour documents, and the abandoned carts. Every range is [from, to) in UTC days (yyyy-MM-dd).
/// </summary>
public sealed class BehaviourFunctions(BehaviourReports behaviour, ReadAbandonedCarts abandoned)
{
    private const string From = "from: first UTC day, yyyy-MM-dd (default: seven days before to)";
    private const string To = "to: the day after the last, yyyy-MM-dd (default: tomorrow, so today is included); after from, at most 366 days later";

    [Function("GetBehaviourFunnel")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Analytics", "The funnel: sessions that viewed a product, added to cart, started checkout (clickstream), and paid orders (from orders: a session id is not on an order), with the rates between steps; for the shop or one product",
        Response = typeof(FunnelView), Query = [From, To, "productId: one product's funnel"])]
    public async Task<IActionResult> Funnel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/behaviour/funnel")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await behaviour.FunnelAsync(Range(req), req.Query("productId"), ct));

    [Function("GetBehaviourPages")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Analytics", "Pages: visible time on page by page type and by product (average per page view, total, page views measured), entry and exit pages, bounce rate",
        Response = typeof(PagesView), Query = [From, To, "top: products and entry/exit pages listed, 1 to 100 (default 20)"])]
    public async Task<IActionResult> Pages([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/behaviour/pages")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await behaviour.PagesAsync(Range(req), Top(req), ct));

    [Function("GetBehaviourPaths")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Analytics", "The most frequent page-to-page steps (page type, or path for other pages), most first",
        Response = typeof(PathsView), Query = [From, To, "top: steps listed, 1 to 100 (default 20)"])]
    public async Task<IActionResult> Paths([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/behaviour/paths")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await behaviour.PathsAsync(Range(req), Top(req), ct));

    [Function("GetBehaviourSessions")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Analytics", "Sessions: how many, page views, bounces and bounce rate, average duration, per day and in all",
        Response = typeof(SessionsView), Query = [From, To])]
    public async Task<IActionResult> Sessions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/behaviour/sessions")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await behaviour.SessionsAsync(Range(req), ct));

    [Function("GetAbandonedCarts")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Analytics", "Abandoned carts per day and currency (by the day they went idle): count, value in minor units, recovered (a paid order from the cart followed), recovered after a reminder, recovered share",
        Response = typeof(AbandonedCartsView), Query = [From, To])]
    public async Task<IActionResult> AbandonedCarts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/abandoned-carts")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await abandoned.DaysAsync(Range(req), ct));

    [Function("ListAbandonedCarts")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Analytics", "The abandoned carts, newest first: cart, value, when it went idle, the customer, the email only of shoppers who may be sent marketing email now, recovered or not",
        Response = typeof(AbandonedCartList), Query = [From, To, "top: carts listed, 1 to 200 (default 50)"])]
    public async Task<IActionResult> ListAbandonedCarts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/abandoned-carts/list")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await abandoned.ListAsync(Range(req), Top(req), ct));

    private DayRange Range(HttpRequest req) => DayRange.Parse(req.Query("from"), req.Query("to"), behaviour.Today);

    private static int? Top(HttpRequest req) => req.Query("top") is not { } text
        ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var top) ? top : throw ValidationFailedException.For("top", "must be a whole number.");
}
