using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Orders;

/// <summary>Returns of some items of a delivered order: customers open them for their own orders, staff decide and receive them (docs/shipping.md, "Returns").</summary>
public sealed class ReturnFunctions(RequestItemReturns requests, ReceiveItemReturns receipts, OrderSettings settings)
{
    [Function("OpenMyOrderReturn")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Returns", "Return some items of one of your delivered orders, within the return window, with a reason (send an Idempotency-Key: a retry opens no second return). 201 with the order; the new return is the last of its returns",
        Request = typeof(ReturnRequestInput), Response = typeof(OrderView), SuccessStatus = StatusCodes.Status201Created)]
    public async Task<IActionResult> OpenMine([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/orders/{number}/returns")] HttpRequest req, string number, CancellationToken ct)
    {
        var input = await req.ReadJsonAsync<ReturnRequestInput>();
        var (order, ret) = await requests.OpenAsync(number, input, req.Actor(), req.OperationId("ret"), ct);
        return new ApiResult(StatusCodes.Status201Created, OrderView.Of(order, settings)).WithHeader("Location", $"/api/me/orders/{order.Number}#return-{ret.Id}");
    }

    [Function("OpenOrderReturn")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Returns", "Open a return of some items for the customer, also after the return window; it is approved at once and gets its label (send an Idempotency-Key)",
        Request = typeof(ReturnRequestInput), Response = typeof(Order), SuccessStatus = StatusCodes.Status201Created)]
    public async Task<IActionResult> Open([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/returns")] HttpRequest req, string number, CancellationToken ct)
    {
        var input = await req.ReadJsonAsync<ReturnRequestInput>();
        var (order, ret) = await requests.OpenAsync(number, input, req.Actor(), req.OperationId("ret"), ct);
        return new ApiResult(StatusCodes.Status201Created, order).WithHeader("Location", $"/api/orders/{order.Number}#return-{ret.Id}");
    }

    [Function("ApproveOrderReturn")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Returns", "Approve a requested return; the carrier's return label is bought (approving again retries a label that failed)", Request = typeof(ReturnDecisionInput), Response = typeof(Order))]
    public async Task<IActionResult> Approve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/returns/{returnId}/approve")] HttpRequest req, string number, string returnId, CancellationToken ct) =>
        Api.Ok(await requests.ApproveAsync(number, returnId, (await req.ReadJsonAsync<ReturnDecisionInput>()).Reason, req.Actor(), ct));

    [Function("RejectOrderItemReturn")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Returns", "Reject a requested return; the customer is emailed the reason", Request = typeof(ReasonInput), Response = typeof(Order))]
    public async Task<IActionResult> Reject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/returns/{returnId}/reject")] HttpRequest req, string number, string returnId, CancellationToken ct) =>
        Api.Ok(await requests.RejectAsync(number, returnId, (await req.ReadJsonAsync<ReasonInput>()).Reason, req.Actor(), ct));

    [Function("ReceiveOrderReturn")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Support)]
    [ApiDoc("Returns", "The parcel of an approved return arrived: per line the units that came and restock (to a warehouse) or writeOff; restocked units go back into stock once and the received units are refunded once, however often this is sent",
        Request = typeof(ReturnReceiptInput), Response = typeof(Order))]
    public async Task<IActionResult> Receive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/returns/{returnId}/receipt")] HttpRequest req, string number, string returnId, CancellationToken ct) =>
        Api.Ok(await receipts.ReceiveAsync(number, returnId, await req.ReadJsonAsync<ReturnReceiptInput>(), req.Actor(), ct));
}
