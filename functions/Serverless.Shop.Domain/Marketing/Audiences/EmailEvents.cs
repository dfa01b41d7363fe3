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
    IEmailEventWebhookReader reader, IWebhookInbox inbox, ISuppressionList suppression, IEmailEngagementCounters counters,
    CampaignUnsubscribes unsubscribes, IPersonalDataVault vault)
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
                var key = reason is not null || counted == EngagementKind.Unsubscribed ? await KeyOfAsync(e, token) : null;
                if (reason is { } suppressed && key is not null)
                    await suppression.AddAsync(key, e.Email, null, new SuppressionRecord(suppressed, e.At, e.CampaignId ?? "sendgrid"), token);
                if (counted is not { } kind || string.IsNullOrWhiteSpace(e.CampaignId)) return;
                if (kind == EngagementKind.Unsubscribed && key is not null) await unsubscribes.CountOnceAsync(e.CampaignId, key, token);
                else await counters.CountAsync(e.CampaignId, kind, token);
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

/// <summary>
/// A campaign's (or flow's) unsubscribes: one per person, whichever way they left, the shop's own one-click link (what
/// mail clients and the email's footer use) or an unsubscribe event of the provider's own tracking. Counted once per
/// campaign and recipient key through the webhook inbox (source <see cref="InboxSource"/>), after the address is
/// suppressed: a process killed in between leaves the person unsubscribed and the count one short, never two over.
/// Tests: UnsubscribeTests, EmailEventRulesTests, CampaignApiTests (the one-click POST pressed twice).
/// </summary>
public sealed class CampaignUnsubscribes(IWebhookInbox inbox, IEmailEngagementCounters counters)
{
    public const string InboxSource = "email:unsubscribed";

    public Task CountOnceAsync(string campaignId, string recipientKey, CancellationToken ct) =>
        inbox.HandleOnceAsync(InboxSource, $"{campaignId}:{recipientKey}", token => counters.CountAsync(campaignId, EngagementKind.Unsubscribed, token), ct);
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
