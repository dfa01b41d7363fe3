using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Audiences;

/// <summary>The suppression list as marketers and admins manage it (addresses only for admins).</summary>
public sealed class SuppressionFunctions(ManageSuppressions suppressions)
{
    [Function("ListSuppressions")]
    [RequiresRole(ShopRoles.Marketer, ShopRoles.Admin)]
    [ApiDoc("Marketing", "The suppression list: how many addresses per reason (unsubscribe, bounce, dropped, spamReport, staff) and a page of entries with their reasons; the addresses only for admins",
        Response = typeof(SuppressionListView), Query = ["pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "marketing/suppressions")] HttpRequest req, CancellationToken ct)
    {
        var v = new Validator();
        var page = PageRequest.Parse(req.Query("pageSize"), req.Query("continuationToken"), v);
        v.ThrowIfInvalid();
        return Api.Ok(await suppressions.ListAsync(req.Actor(), page, ct));
    }

    [Function("AddSuppression")]
    [RequiresRole(ShopRoles.Marketer, ShopRoles.Admin)]
    [ApiDoc("Marketing", "Put an address on the suppression list by hand (reason staff): no marketing email goes to it, whatever its consents. Adding it again changes nothing",
        Request = typeof(SuppressionInput), Response = typeof(SuppressionView), SuccessStatus = 201)]
    public async Task<IActionResult> Add([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "marketing/suppressions")] HttpRequest req, CancellationToken ct)
    {
        var added = await suppressions.AddAsync(await req.ReadJsonAsync<SuppressionInput>(), req.Actor(), ct);
        return new ApiResult(StatusCodes.Status201Created, added).WithHeader("Location", $"/api/marketing/suppressions/{added.Id}");
    }

    [Function("RemoveSuppression")]
    [RequiresRole(ShopRoles.Marketer, ShopRoles.Admin)]
    [ApiDoc("Marketing", "Take an address off the suppression list, whatever its reasons (its consents still decide whether it is mailed). 404 for an unknown id", SuccessStatus = 204)]
    public async Task<IActionResult> Remove(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "marketing/suppressions/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await suppressions.RemoveAsync(id, ct);
        return Api.NoContent();
    }
}
