using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Campaigns;

/// <summary>Email campaigns, run by marketers and admins (docs/marketing.md#campaigns).</summary>
public sealed class CampaignFunctions(ManageCampaigns campaigns, PreviewCampaigns previews, CampaignResultsReport results)
{
    [Function("CreateCampaign")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "Create a draft email campaign: its audience, Scriban templates (subject, html, text) and blocks. 400 when a template does not parse or render",
        Request = typeof(CampaignInput), Response = typeof(Campaign), SuccessStatus = 201)]
    public async Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns")] HttpRequest req, CancellationToken ct)
    {
        var created = await campaigns.CreateAsync(await req.ReadJsonAsync<CampaignInput>(), req.Actor(), ct);
        return Api.Created($"/api/campaigns/{created.Value.Id}", created);
    }

    [Function("ListCampaigns")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "Campaigns, newest first", Response = typeof(PageBody<Campaign>), Query = [
        "status: draft|scheduled|sending|sent|cancelled", "pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns")] HttpRequest req, CancellationToken ct) =>
        Api.Page(await campaigns.ListAsync(req.Query("status"), req.Query("pageSize"), req.Query("continuationToken"), ct));

    [Function("GetCampaign")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "A campaign, with its status and schedule", Response = typeof(Campaign))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await campaigns.GetAsync(id, ct));

    [Function("UpdateCampaign")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "Replace a draft campaign (If-Match required); 409 once it is scheduled", Request = typeof(CampaignInput), Response = typeof(Campaign))]
    public async Task<IActionResult> Update([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await campaigns.UpdateAsync(id, await req.ReadJsonAsync<CampaignInput>(), req.IfMatch(), req.Actor(), ct));

    [Function("ScheduleCampaign")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "Schedule a campaign once (sendAt) or on a cron schedule in a time zone. 409 when nobody in the audience may be emailed; 400 for a past time, a bad cron or time zone, a template that does not render",
        Request = typeof(ScheduleInput), Response = typeof(Campaign))]
    public async Task<IActionResult> Schedule([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/schedule")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await campaigns.ScheduleAsync(id, await req.ReadJsonAsync<ScheduleInput>(), req.Actor(), ct));

    [Function("CancelCampaign")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "Cancel a campaign not sent yet; a send in progress stops before its next batch", Response = typeof(Campaign))]
    public async Task<IActionResult> Cancel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/cancel")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await campaigns.CancelAsync(id, req.Actor(), ct));

    [Function("PreviewCampaign")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "Render the campaign for a sample recipient, or for a named customer (customerId: their offer and recommendations). 400 when a template does not render",
        Request = typeof(PreviewInput), Response = typeof(RenderedEmail))]
    public async Task<IActionResult> Preview([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/preview")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await previews.PreviewAsync(id, await OptionalBodyAsync(req), ct));

    [Function("SendCampaignTest")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "Send the campaign, rendered for a sample recipient, to your own address only (from your sign-in: email, preferred_username or upn)",
        Response = typeof(CampaignTestSent), SuccessStatus = 202)]
    public async Task<IActionResult> SendTest([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/test")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Accepted(new CampaignTestSent(await previews.SendTestAsync(id, StaffEmail(req), ct)));

    [Function("GetCampaignResults")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Campaigns", "A campaign's results: sent; delivered, opened, clicked, bounced, unsubscribed from SendGrid's Event Webhook; the paid orders attributed to it and their revenue per currency", Response = typeof(CampaignResults))]
    public async Task<IActionResult> Results([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}/results")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await results.ReadAsync(id, ct));

    /// <summary>The caller's own address, from their sign-in (never from the request body, so a test cannot be sent to anyone else).</summary>
    private static string? StaffEmail(HttpRequest req) =>
        new[] { "email", "preferred_username", "upn", System.Security.Claims.ClaimTypes.Email, System.Security.Claims.ClaimTypes.Upn }
            .Select(type => req.HttpContext.User.FindFirst(type)?.Value)
            .FirstOrDefault(value => value is not null && System.Net.Mail.MailAddress.TryCreate(value, out _));

    // A preview needs no body; one naming a recipient is taken (a chunked body has no Content-Length, so its Content-Type tells).
    private static async Task<PreviewInput> OptionalBodyAsync(HttpRequest req) =>
        string.IsNullOrEmpty(req.ContentType) && req.ContentLength is null or 0 ? new PreviewInput(null, null, null) : await req.ReadJsonAsync<PreviewInput>();
}

public sealed record CampaignTestSent(string SentTo);
