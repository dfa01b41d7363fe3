using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Audiences;

/// <summary>SendGrid's Event Webhook: suppressions and per-campaign results (docs/marketing.md#audiences-and-unsubscribe).</summary>
public sealed class EmailEventWebhookFunctions(ReceiveEmailEvents events)
{
    // SendGrid posts events in batches; a batch stays well under this.
    private const int MaximumBodyBytes = 2 * 1024 * 1024;

    [Function("ReceiveSendGridEvents")]
    [MaximumBodyBytes(MaximumBodyBytes)]
    [PublicEndpoint(Guard = "SendGrid's ECDSA signature over the timestamp and body (401 when it does not verify)")]
    [ApiDoc("Marketing", "SendGrid's signed Event Webhook: bounces, drops, spam reports and unsubscribes suppress the address; delivered, open, click, bounce, unsubscribe and spam report events count towards their campaign. 401 unsigned or badly signed; each event is handled once by its sg_event_id; other event types are acknowledged and ignored",
        Response = typeof(EmailEventReceipt))]
    public async Task<IActionResult> Receive([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/email/sendgrid")] HttpRequest req, CancellationToken ct)
    {
        var headers = req.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return Api.Ok(await events.HandleAsync(headers, await RawBodyAsync(req), ct));
    }

    // The signature is over the exact bytes sent, so the body is read raw, not as JSON.
    private static async Task<string> RawBodyAsync(HttpRequest req)
    {
        if (req.ContentLength > MaximumBodyBytes) throw new InputTooLargeException($"An event delivery may be at most {MaximumBodyBytes / 1024} KB.");
        using var reader = new StreamReader(req.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(req.HttpContext.RequestAborted);
        return body.Length > MaximumBodyBytes ? throw new InputTooLargeException($"An event delivery may be at most {MaximumBodyBytes / 1024} KB.") : body;
    }
}
