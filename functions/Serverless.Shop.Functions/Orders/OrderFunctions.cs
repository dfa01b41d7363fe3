using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Functions.Orders;

/// <summary>Orders as customers, guests and staff see and change them; checkout creates them (docs/orders.md).</summary>
public sealed class OrderFunctions(ManageOrders orders, OrderQueries queries, OrderReturns returns, OrderRefunds refunds, NotifyOrderChange notify, OrderSettings settings)
{
    /// <summary>The header a guest sends the order's access token in.</summary>
    public const string TokenHeader = "Order-Token";

    // ---- Customers -----------------------------------------------------------------------------------------------

    [Function("ListMyOrders")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Orders", "The signed-in customer's orders, newest first", Response = typeof(PageBody<OrderSummary>), Query = ["pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> ListMine([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/orders")] HttpRequest req, CancellationToken ct) =>
        Api.Page(await queries.ListForCustomerAsync(req.Actor(), req.Query("pageSize"), req.Query("continuationToken"), ct));

    [Function("GetMyOrder")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Orders", "One of the signed-in customer's orders with its breakdown, history and every parcel with its tracking timeline (each scan's status, time and description) and link (404 for anyone else's)", Response = typeof(OrderView))]
    public async Task<IActionResult> GetMine([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/orders/{number}")] HttpRequest req, string number, CancellationToken ct) =>
        Api.Ok(await queries.GetForCustomerAsync(number, req.Actor(), ct));

    [Function("RequestOrderReturn")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Orders", "Ask to return a delivered order, within the return window", Request = typeof(ReasonInput), Response = typeof(OrderView))]
    public async Task<IActionResult> RequestReturn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/orders/{number}/return-request")] HttpRequest req, string number, CancellationToken ct)
    {
        var input = await req.ReadJsonAsync<ReasonInput>();
        return Api.Ok(OrderView.Of(await returns.RequestReturnAsync(number, input.Reason!, req.Actor(), ct), settings));
    }

    // ---- Guests ----------------------------------------------------------------------------------------------------

    [Function("GetOrderStatus")]
    [PublicEndpoint]
    [ApiDoc("Orders", "An order seen with its access token in the Order-Token header (guests, links in emails), with every parcel's tracking timeline; 404 when the token is wrong", Response = typeof(OrderView))]
    public async Task<IActionResult> GetStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/{number}/status")] HttpRequest req, string number, CancellationToken ct) =>
        Api.Ok(await queries.GetWithTokenAsync(number, req.Headers[TokenHeader].ToString(), ct));

    // ---- Staff -----------------------------------------------------------------------------------------------------

    [Function("SearchOrders")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Orders", "Find orders, newest first", Response = typeof(PageBody<OrderSummary>), Query = [
        "number: an order number", "email: the buyer's email (whole, any case)", "status: pendingPayment|paid|processing|shipped|delivered|cancelled|returnRequested|returned|refunded",
        "customerId: the customer's id", "createdFrom: ISO 8601, inclusive", "createdTo: ISO 8601, exclusive", "pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> Search([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders")] HttpRequest req, CancellationToken ct) =>
        Api.Page(await queries.SearchAsync(new OrderSearchQuery(req.Query("number"), req.Query("email"), req.Query("status"), req.Query("customerId"),
            req.Query("createdFrom"), req.Query("createdTo"), req.Query("pageSize"), req.Query("continuationToken")), ct));

    [Function("GetOrder")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Orders", "An order with everything staff see: payment, refunds, its parcels (one per warehouse, each with its label, items and scans; older orders: one shipment) and the full history", Response = typeof(Order))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/{number}")] HttpRequest req, string number, CancellationToken ct) =>
        Api.Ok(await queries.GetAsync(number, ct));

    [Function("CancelOrder")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Orders", "Cancel an order that has not left the warehouse; what was paid is refunded", Request = typeof(ReasonInput), Response = typeof(Order))]
    public async Task<IActionResult> Cancel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/cancel")] HttpRequest req, string number, CancellationToken ct) =>
        Api.Ok(await orders.CancelAsync(number, (await req.ReadJsonAsync<ReasonInput>()).Reason!, req.Actor(), ct));

    [Function("MarkOrderReturned")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Orders", "The returned parcel arrived", Response = typeof(Order))]
    public async Task<IActionResult> MarkReturned([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/returns/received")] HttpRequest req, string number, CancellationToken ct) =>
        Api.Ok(await returns.MarkReturnedAsync(number, req.Actor(), ct));

    [Function("RejectOrderReturn")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Orders", "Refuse a requested return; the order is delivered again and the customer is told why", Request = typeof(ReasonInput), Response = typeof(Order))]
    public async Task<IActionResult> RejectReturn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/returns/rejected")] HttpRequest req, string number, CancellationToken ct) =>
        Api.Ok(await returns.RejectReturnAsync(number, (await req.ReadJsonAsync<ReasonInput>()).Reason!, req.Actor(), ct));

    [Function("RefundOrder")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Orders", "Refund part or all of what was captured (send an Idempotency-Key: a retry never refunds twice)", Request = typeof(RefundInput), Response = typeof(Order))]
    public async Task<IActionResult> Refund([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/refunds")] HttpRequest req, string number, CancellationToken ct) =>
        Api.Ok(await orders.RefundAsync(number, await req.ReadJsonAsync<RefundInput>(), req.Actor(), req.OperationId("rfd"), ct));

    [Function("ListRefundTasks")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Orders", "Orders with a refund a person must make (bank transfers): support's work list, oldest first. Each such refund is in the order's refunds with state awaitingStaff",
        Response = typeof(PageBody<OrderSummary>), Query = ["pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> ListRefundTasks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/refund-tasks")] HttpRequest req, CancellationToken ct)
    {
        var v = new Validator();
        var page = PageRequest.Parse(req.Query("pageSize"), req.Query("continuationToken"), v);
        v.ThrowIfInvalid();
        return Api.Page(await refunds.ListOpenTasksAsync(page, ct));
    }

    [Function("ConfirmManualRefund")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Orders", "Staff paid a refund back by hand: the task is done, recorded with the bank's reference; the order is refunded if that was all of it (confirming again changes nothing)",
        Request = typeof(ManualRefundInput), Response = typeof(Order))]
    public async Task<IActionResult> ConfirmManualRefund(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/refunds/{sequence}/paid")] HttpRequest req, string number, string sequence, CancellationToken ct) =>
        Api.Ok(await refunds.ConfirmManualRefundAsync(number, long.TryParse(sequence, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw new ResourceNotFoundException("Refund", sequence),
            (await req.ReadJsonAsync<ManualRefundInput>()).Reference, req.Actor(), ct));

    /// <summary>Emails the customer when the change matters to them, and publishes the order's integration event.</summary>
    [Function("NotifyOrderChange")]
    public Task NotifyOrderChange([QueueTrigger(WorkQueues.OrderEvents)] string message, CancellationToken ct) =>
        notify.HandleAsync(JsonSerializer.Deserialize<OrderChanged>(message, ShopJson.Options)!, ct);
}
