using System.Text.Json;
using Microsoft.Extensions.Logging;
using SendGrid;
using SendGrid.Helpers.Mail;
using Serverless.Shop.Domain.Marketing.Campaigns;

namespace Serverless.Shop.Infrastructure.Marketing.Campaigns;

/// <summary>
/// Marketing email through SendGrid's v3 Mail Send API: one request per <see cref="MarketingEmail"/>, one personalization
/// per recipient (up to 1000), each with its own unsubscribe link as a substitution, List-Unsubscribe and
/// List-Unsubscribe-Post headers (RFC 8058 one-click) and the custom args the Event Webhook echoes back.
/// One attempt per request, no retry: a retried request whose first attempt SendGrid took would mail everyone twice.
/// An error answer is <see cref="BulkSendRefusedException"/> (nothing sent; the sender gives the batch back and a
/// later run sends it). Tests: SendGridBulkEmailSenderTests (a WireMock double built from SendGrid's Mail Send examples).
/// </summary>
public sealed class SendGridBulkEmailSender(SendGridClient client, EmailAddress from, ILogger<SendGridBulkEmailSender> logger, TimeSpan? requestTimeout = null) : IBulkEmailSender
{
    public const int SendGridMaximumPersonalizations = 1000;

    /// <summary>How long one request may take before it is given up (the client has no timeout of its own): an answer that never came, so the batch's claim stays.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _requestTimeout = requestTimeout ?? DefaultRequestTimeout;

    public int MaxRecipientsPerRequest => SendGridMaximumPersonalizations;

    public async Task SendAsync(MarketingEmail email, CancellationToken ct)
    {
        if (email.Recipients.Count is 0 or > SendGridMaximumPersonalizations)
            throw new ArgumentException($"A request takes 1 to {SendGridMaximumPersonalizations} recipients, not {email.Recipients.Count}.", nameof(email));
        var message = new SendGridMessage
        {
            From = from,
            Subject = email.Subject,
            Contents = [new Content(MimeType.Text, email.Text), new Content(MimeType.Html, email.Html)],
            Personalizations = [.. email.Recipients.Select(r => new Personalization
            {
                Tos = [new EmailAddress(r.Email)],
                Substitutions = r.Substitutions.ToDictionary(),
                Headers = new Dictionary<string, string>
                {
                    ["List-Unsubscribe"] = $"<{r.UnsubscribeUrl.AbsoluteUri}>",
                    ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
                },
                CustomArgs = r.CustomArgs.ToDictionary(),
            })],
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_requestTimeout);
        Response response;
        try
        {
            response = await client.SendEmailAsync(message, timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"SendGrid did not answer within {_requestTimeout.TotalSeconds:0.#} s; whether it took the request is unknown.", e);
        }
        if (!response.IsSuccessStatusCode)
        {
            var body = response.Body is null ? "" : await response.Body.ReadAsStringAsync(ct);
            throw new BulkSendRefusedException("SendGrid", (int)response.StatusCode, Describe(body));
        }
        logger.LogInformation("Campaign {CampaignId} batch {Batch}: {Recipients} recipient(s) handed to SendGrid.", email.CampaignId, email.BatchNumber, email.Recipients.Count);
    }

    // SendGrid's errors: {"errors":[{"message":"...","field":"..."}]}; never the request, which holds addresses.
    private static string Describe(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                return string.Join("; ", errors.EnumerateArray().Select(e => e.TryGetProperty("message", out var m) ? m.GetString() : null).OfType<string>());
        }
        catch (JsonException) { }
        return body.Length > 500 ? body[..500] : body;
    }
}
