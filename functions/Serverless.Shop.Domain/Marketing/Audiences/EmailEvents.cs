using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>
/// One event of the email provider's event webhook, read from a verified delivery. <see cref="Type"/> is the provider's
/// name for it (SendGrid: delivered, open, click, bounce, dropped, spamreport, unsubscribe, group_unsubscribe ...).
/// </summary>
public sealed record EmailEvent(string EventId, string Type, string? Email, string? RecipientKey, string? CampaignId, DateTimeOffset At);

/// <summary>What became of one delivery of events.</summary>
public sealed record EmailEventReceipt(int Handled, int Duplicates, int Ignored);

/// <summary>Reads and verifies the email provider's event webhook deliveries.</summary>
public interface IEmailEventWebhookReader
{
    /// <exception cref="WebhookSignatureException">Unsigned, badly signed, or signed too long ago: nothing is read.</exception>
    /// <exception cref="Common.ValidationFailedException">Signed, but not a list of events.</exception>
    Task<IReadOnlyList<EmailEvent>> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct);
}

/// <summary>
/// SendGrid's Event Webhook: each event handled once by its id (<see cref="IWebhookInbox"/>, source
/// <see cref="InboxSource"/>). Bounces, drops, spam reports and unsubscribes put the address on the suppression list;
/// delivered, open, click, bounce, unsubscribe and spam report events count towards their campaign (custom arg
/// <see cref="EmailCustomArgs.CampaignId"/>). Any other type is acknowledged and changes nothing.
/// Tests: EmailEventRulesTests (unit), SendGridEventWebhookTests (HTTP).
/// </summary>
public sealed class ReceiveEmailEvents(
    IEmailEventWebhookReader reader, IWebhookInbox inbox, ISuppressionList suppression, IEmailEngagementCounters counters, IPersonalDataVault vault)
{
    public const string InboxSource = "email:sendgrid";

    public async Task<EmailEventReceipt> HandleAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        var events = await reader.ReadAsync(headers, body, ct);
        var (handled, duplicates, ignored) = (0, 0, 0);
        foreach (var e in events)
        {
            var reason = EmailEventRules.SuppressionFor(e.Type);
            var counted = EmailEventRules.CounterFor(e.Type);
            if (reason is null && counted is null)
            {
                ignored++;
                continue;
            }
            var ran = await inbox.HandleOnceAsync(InboxSource, e.EventId, async token =>
            {
                if (reason is { } suppressed && await KeyOfAsync(e, token) is { } key)
                    await suppression.AddAsync(key, e.Email, null, new SuppressionRecord(suppressed, e.At, e.CampaignId ?? "sendgrid"), token);
                if (counted is { } kind && !string.IsNullOrWhiteSpace(e.CampaignId))
                    await counters.CountAsync(e.CampaignId, kind, token);
            }, ct);
            if (ran) handled++;
            else duplicates++;
        }
        return new EmailEventReceipt(handled, duplicates, ignored);
    }

    // The address when the event has one (SendGrid always sends it); else the key the shop put in the custom args.
    private async Task<string?> KeyOfAsync(EmailEvent e, CancellationToken ct) =>
        !string.IsNullOrWhiteSpace(e.Email) ? await vault.BlindIndexAsync(BlindIndexKind.Email, e.Email, ct)
            : string.IsNullOrWhiteSpace(e.RecipientKey) ? null : e.RecipientKey;
}

/// <summary>Which SendGrid event types suppress an address and which count towards a campaign. Tests: EmailEventRulesTests.</summary>
public static class EmailEventRules
{
    public static SuppressionReason? SuppressionFor(string type) => type switch
    {
        "bounce" => SuppressionReason.Bounce,
        "dropped" => SuppressionReason.Dropped,
        "spamreport" => SuppressionReason.SpamReport,
        "unsubscribe" or "group_unsubscribe" => SuppressionReason.Unsubscribe,
        _ => null,
    };

    public static EngagementKind? CounterFor(string type) => type switch
    {
        "delivered" => EngagementKind.Delivered,
        "open" => EngagementKind.Opened,
        "click" => EngagementKind.Clicked,
        "bounce" => EngagementKind.Bounced,
        "unsubscribe" or "group_unsubscribe" => EngagementKind.Unsubscribed,
        "spamreport" => EngagementKind.SpamReport,
        _ => null,
    };
}
