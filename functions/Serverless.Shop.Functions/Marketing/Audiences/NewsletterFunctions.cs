using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Audiences;

/// <summary>The newsletter's sign-up with double opt-in (docs/marketing.md#audiences-and-unsubscribe).</summary>
public sealed class NewsletterFunctions(NewsletterSubscriptions subscriptions)
{
    [Function("SubscribeToNewsletter")]
    [PublicEndpoint(Guard = "double opt-in: it only stores a pending subscription and emails that address a confirmation link, at most once a day; nothing else is sent until the link is followed")]
    [ApiDoc("Marketing", "Subscribe an email address to the newsletter: 202, and a confirmation link goes to the address (at most one a day). The same answer whether the address was new, pending or already subscribed",
        Request = typeof(SubscriptionInput), Response = typeof(SubscriptionAccepted), SuccessStatus = 202)]
    public async Task<IActionResult> Subscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "newsletter/subscriptions")] HttpRequest req, CancellationToken ct) =>
        Api.Accepted(await subscriptions.SubscribeAsync(await req.ReadJsonAsync<SubscriptionInput>(), ct));

    [Function("ConfirmNewsletterSubscription")]
    [PublicEndpoint(Guard = "the signed confirmation token in the query (HMAC, names the address and the email it came in, expires)")]
    [ApiDoc("Marketing", "Confirm a newsletter subscription with the token of the confirmation email (an API client; the link itself is the GET). 400 with field token when the link was changed, replaced or expired",
        Response = typeof(SubscriptionConfirmed), Query = ["token: from the confirmation email"])]
    public async Task<IActionResult> Confirm([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "newsletter/confirmations")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await subscriptions.ConfirmAsync(req.Query("token"), ct));

    [Function("ConfirmNewsletterSubscriptionPage")]
    [PublicEndpoint]
    [ApiDoc("Marketing", "The link of the confirmation email: confirms the subscription and shows a small page saying so", Query = ["token: from the confirmation email"])]
    public async Task<IActionResult> ConfirmPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "newsletter/confirmations")] HttpRequest req, CancellationToken ct)
    {
        await subscriptions.ConfirmAsync(req.Query("token"), ct);
        return MarketingPages.Page("Subscribed", "<p>Thank you: your newsletter subscription is confirmed.</p><p>Every newsletter has a link to unsubscribe.</p>");
    }
}
