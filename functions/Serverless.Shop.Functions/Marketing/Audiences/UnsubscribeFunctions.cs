using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Audiences;

/// <summary>
/// The unsubscribe link of every marketing email (List-Unsubscribe and the footer): GET shows a page with a button,
/// POST unsubscribes, as RFC 8058 one-click asks (a mail client POSTs <c>List-Unsubscribe=One-Click</c> to the link).
/// </summary>
public sealed class UnsubscribeFunctions(Unsubscribe unsubscribe)
{
    public const string OneClickField = "List-Unsubscribe";
    public const string OneClickValue = "One-Click";

    [Function("UnsubscribePage")]
    [PublicEndpoint]
    [ApiDoc("Marketing", "The page of a marketing email's unsubscribe link: a button that unsubscribes (nothing changes until it is pressed). 400 with field token when the link was changed",
        Query = ["token: from the email's link"])]
    public async Task<IActionResult> Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = UnsubscribeLinks.Path)] HttpRequest req, CancellationToken ct)
    {
        var token = req.Query("token");
        var preview = await unsubscribe.PreviewAsync(token, ct);
        var action = WebUtility.HtmlEncode($"?token={Uri.EscapeDataString(token!)}");
        var already = preview.AlreadyUnsubscribed ? "<p>This address is already unsubscribed; pressing the button again changes nothing.</p>" : "";
        return MarketingPages.Page("Unsubscribe", $"""
            <p>Stop marketing emails to this address?</p>{already}
            <form method="post" action="{action}"><input type="hidden" name="{OneClickField}" value="{OneClickValue}"><button type="submit">Unsubscribe</button></form>
            """);
    }

    [Function("Unsubscribe")]
    [MaximumBodyBytes(4096)]
    [PublicEndpoint(Guard = "the signed unsubscribe token in the query (HMAC over the address's blind index, the customer and the campaign)")]
    [ApiDoc("Marketing", "Unsubscribe with a marketing email's link (RFC 8058 one-click: a form body List-Unsubscribe=One-Click). The address goes on the suppression list, a newsletter subscription ends and the customer's email consent is withdrawn; doing it again changes nothing",
        RequestContentType = "application/x-www-form-urlencoded", Query = ["token: from the email's link"])]
    public async Task<IActionResult> OneClick([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = UnsubscribeLinks.Path)] HttpRequest req, CancellationToken ct)
    {
        // RFC 8058: the POST carries this one field, as a form (urlencoded or multipart); anything else is not an unsubscribe.
        var oneClick = req.HasFormContentType ? (await req.ReadFormAsync(ct))[OneClickField].ToString() : null;
        if (!string.Equals(oneClick, OneClickValue, StringComparison.Ordinal))
            throw ValidationFailedException.For(OneClickField, $"must be {OneClickValue}, sent as a form (RFC 8058): {OneClickField}={OneClickValue}.");
        await unsubscribe.UnsubscribeAsync(req.Query("token"), ct);
        return MarketingPages.Page("Unsubscribed", "<p>You will get no more marketing emails at this address. Emails about your orders still come.</p>");
    }
}
