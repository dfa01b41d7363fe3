using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>The unsubscribe links of marketing email: a signed token in the query string of one route, for GET and POST.</summary>
public sealed class UnsubscribeLinks(MarketingLinkTokens tokens, MarketingLinkSettings links) : IUnsubscribeLinks
{
    public const string Path = "marketing/unsubscribe";

    public Uri For(MarketingRecipient recipient, string? campaignId) =>
        links.Require($"{Path}?token={Uri.EscapeDataString(tokens.Unsubscribe(new UnsubscribeLink(recipient.Key, recipient.CustomerId, campaignId)))}");
}

/// <summary>What the unsubscribe page shows before the button is pressed: nothing personal, only that the link is good.</summary>
public sealed record UnsubscribePreview(bool AlreadyUnsubscribed);

public sealed record UnsubscribeResult(string Status, DateTimeOffset At);

/// <summary>
/// Unsubscribing with the link of a marketing email (RFC 8058 one-click, or the page's button): the address goes on the
/// suppression list, a newsletter subscription ends, and the customer the link names has their email consent withdrawn
/// in their profile (consent history source <see cref="ConsentSource"/>), and the campaign or flow whose email carried
/// the link counts one unsubscribe (<see cref="CampaignUnsubscribes"/>). Doing it again changes nothing more.
/// Tests: UnsubscribeTests (unit), UnsubscribeApiTests (HTTP).
/// </summary>
public sealed class Unsubscribe(
    MarketingLinkTokens tokens, ISuppressionList suppression, INewsletterSubscriberStore subscribers, ICustomerProfileStore profiles,
    ManageCustomerProfile manageProfiles, CampaignUnsubscribes unsubscribes, TimeProvider clock)
{
    public const string ConsentSource = "unsubscribe-link";
    private const int MaximumAttempts = 5;

    /// <exception cref="ValidationFailedException">The token is forged or changed.</exception>
    public async Task<UnsubscribePreview> PreviewAsync(string? token, CancellationToken ct)
    {
        var link = tokens.ReadUnsubscribe(token);
        return new UnsubscribePreview((await suppression.FindAsync(link.Key, ct))?.Reasons.Any(r => r.Reason == SuppressionReason.Unsubscribe) == true);
    }

    public async Task<UnsubscribeResult> UnsubscribeAsync(string? token, CancellationToken ct)
    {
        var link = tokens.ReadUnsubscribe(token);
        var now = clock.GetUtcNow();
        var subscriber = await EndSubscriptionAsync(link.Key, now, ct);
        var customerId = link.CustomerId ?? subscriber?.CustomerId;
        string? address = subscriber?.Email;
        if (customerId is not null && await profiles.FindAsync(customerId, ct) is { } profile)
        {
            address ??= profile.Value.Email is PersonalData.Erased ? null : profile.Value.Email;
            if (profile.Value.MarketingConsent.GetValueOrDefault(MarketingChannels.Email))
                await manageProfiles.UpdateAsync(new SignedInCustomer(customerId, null, null),
                    new ProfileInput(MarketingConsent: new Dictionary<string, bool> { [MarketingChannels.Email] = false }, ConsentSource: ConsentSource),
                    replace: false, ifMatch: null, ct);
        }
        await suppression.AddAsync(link.Key, address, customerId, new SuppressionRecord(SuppressionReason.Unsubscribe, now, link.CampaignId ?? ConsentSource), ct);
        if (!string.IsNullOrWhiteSpace(link.CampaignId)) await unsubscribes.CountOnceAsync(link.CampaignId, link.Key, ct);
        return new UnsubscribeResult("unsubscribed", now);
    }

    private async Task<NewsletterSubscriber?> EndSubscriptionAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await subscribers.FindAsync(key, ct) is not { } found) return null;
            if (found.Value.Status == SubscriberStatus.Unsubscribed) return found.Value;
            var ended = found.Value with { Status = SubscriberStatus.Unsubscribed, UnsubscribedAt = now };
            try
            {
                await subscribers.SaveAsync(ended, found.Version, ct);
                return ended;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
            }
        }
    }
}
