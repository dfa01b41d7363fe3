using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Flows;

/// <summary>The automated flows, set up by marketers and admins (docs/marketing.md#automated-flows).</summary>
public sealed class FlowFunctions(ManageFlows flows, FlowResultsReport results)
{
    [Function("ListFlows")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flows", "Every automated flow: on or off, its steps (delays and messages), its segments, and what it may be set to", Response = typeof(IReadOnlyList<FlowView>))]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "marketing/flows")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await flows.ListAsync(ct));

    [Function("GetFlow")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flows", "One flow's settings, with its ETag", Response = typeof(FlowView))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "marketing/flows/{flowId}")] HttpRequest req, string flowId, CancellationToken ct) =>
        Api.Ok(await flows.GetAsync(flowId, ct));

    [Function("UpdateFlow")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flows", "Switch a flow on or off and set its steps (delays in hours from the trigger, messages as Scriban templates) and segments. If-Match required once it was set up; 400 for a delay out of range or out of order, a message that does not render, an unknown segment",
        Request = typeof(FlowSettingsInput), Response = typeof(FlowView))]
    public async Task<IActionResult> Update([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "marketing/flows/{flowId}")] HttpRequest req, string flowId, CancellationToken ct) =>
        Api.Ok(await flows.UpdateAsync(flowId, await req.ReadJsonAsync<FlowSettingsInput>(), req.IfMatch(), req.Actor(), ct));

    [Function("GetFlowResults")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Flows", "A flow's results: sent, and delivered, opened, clicked, bounced, unsubscribed from SendGrid's Event Webhook", Response = typeof(FlowResults))]
    public async Task<IActionResult> Results([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "marketing/flows/{flowId}/results")] HttpRequest req, string flowId, CancellationToken ct) =>
        Api.Ok(await results.ReadAsync(flowId, ct));
}
