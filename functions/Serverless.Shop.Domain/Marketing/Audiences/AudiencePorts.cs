namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>
/// Who a marketing email goes to: customers in any of <see cref="Segments"/> (names from <c>Loyalty:Segments</c>;
/// empty: no customers) and, with <see cref="NewsletterSubscribers"/>, newsletter subscribers who confirmed by double
/// opt-in. Only people who agreed to email marketing and are not on the suppression list are ever in an audience.
/// </summary>
public sealed record AudienceSpec(IReadOnlyList<string> Segments, bool NewsletterSubscribers);

/// <summary>
/// One person an audience holds. <see cref="Key"/> is stable for a person across campaigns and never their address (it
/// is the blind index of the address), so per-recipient records and SendGrid's custom args hold no personal data.
/// </summary>
public sealed record MarketingRecipient(string Key, string Email, string? CustomerId, string? Language, string? FirstName);

/// <summary>The audiences that marketing email may go to.</summary>
public interface IMarketingAudience
{
    /// <summary>Everyone in the audience who may be sent marketing email now, each once, in a stable order by <see cref="MarketingRecipient.Key"/>.</summary>
    IAsyncEnumerable<MarketingRecipient> ListAsync(AudienceSpec audience, CancellationToken ct) => ListAsync(audience, afterKey: null, ct);

    /// <summary>
    /// The same, from the first key after <paramref name="afterKey"/> (ordinal; null: from the start), so that a send
    /// carries on after its last batch without reading the audience again from the start.
    /// </summary>
    IAsyncEnumerable<MarketingRecipient> ListAsync(AudienceSpec audience, string? afterKey, CancellationToken ct);

    /// <summary>Whether marketing email may go to this address now (consented and not suppressed): checked again just before each send.</summary>
    Task<bool> MaySendAsync(string email, CancellationToken ct);
}

/// <summary>The unsubscribe link every marketing email carries (List-Unsubscribe, RFC 8058 one-click, and in the body).</summary>
public interface IUnsubscribeLinks
{
    /// <summary>A link that unsubscribes this recipient with one POST (and shows a confirmation page on GET).</summary>
    Uri For(MarketingRecipient recipient, string? campaignId);
}

/// <summary>What SendGrid's Event Webhook reported for one campaign or flow (each event counted once, by its event id), and the emails a flow sent.</summary>
public sealed record EmailEngagement(long Delivered, long Opened, long Clicked, long Bounced, long Unsubscribed, long SpamReports, long Sent = 0)
{
    public static readonly EmailEngagement None = new(0, 0, 0, 0, 0, 0);
}

/// <summary>The results the Event Webhook feeds, per campaign or flow id (the <see cref="EmailCustomArgs.CampaignId"/> custom arg).</summary>
public interface IEmailEngagementReader
{
    Task<EmailEngagement> ReadAsync(string campaignId, CancellationToken ct);
}

/// <summary>
/// Names of the custom args every marketing email carries in its SendGrid personalization; the Event Webhook echoes
/// them on each event, which is how an event finds its campaign and recipient.
/// </summary>
public static class EmailCustomArgs
{
    public const string CampaignId = "campaign_id";
    public const string RecipientKey = "recipient_key";
}
