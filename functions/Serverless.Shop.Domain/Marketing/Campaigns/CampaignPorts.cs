using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>
/// One batch of one occurrence of a campaign: recipients after <see cref="AfterKey"/> up to and including
/// <see cref="LastKey"/> in the audience's key order. Creating it is the claim: a batch number is created once, so two
/// senders never mail the same people, and nobody in a claimed batch is mailed again for that occurrence.
/// </summary>
public sealed record CampaignBatch(
    string CampaignId, string Occurrence, int Number, string? AfterKey, string LastKey, int Recipients, DateTimeOffset ClaimedAt,
    bool Sent = false, int Delivered = 0, int Suppressed = 0, DateTimeOffset? SentAt = null);

/// <summary>Campaigns and their send claims (the <c>campaigns</c> container).</summary>
public interface ICampaignStore
{
    Task<Versioned<Campaign>?> FindAsync(string id, CancellationToken ct);

    Task<string> CreateAsync(Campaign campaign, CancellationToken ct);

    /// <exception cref="StaleVersionException">The campaign changed since <paramref name="expectedVersion"/>.</exception>
    Task<string> ReplaceAsync(Campaign campaign, string expectedVersion, CancellationToken ct);

    /// <summary>Campaigns, newest first, optionally only those in <paramref name="status"/>.</summary>
    Task<Page<Campaign>> ListAsync(CampaignStatus? status, PageRequest page, CancellationToken ct);

    /// <summary>Ids of campaigns with a send to do: scheduled and due at <paramref name="now"/>, or left sending.</summary>
    Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct);

    /// <summary>The occurrence's batch with the highest number, or null when none is claimed yet.</summary>
    Task<CampaignBatch?> FindLastBatchAsync(string campaignId, string occurrence, CancellationToken ct);

    /// <summary>Creates the batch if its number is free (the claim). False when another sender claimed that number first.</summary>
    Task<bool> TryClaimAsync(CampaignBatch batch, CancellationToken ct);

    /// <summary>Gives a claim back when the provider refused the batch's first request (nothing of it was sent), so the next run sends it.</summary>
    Task ReleaseAsync(CampaignBatch batch, CancellationToken ct);

    /// <summary>Records that the claimed batch was handed to the email provider.</summary>
    Task MarkSentAsync(CampaignBatch batch, CancellationToken ct);

    /// <summary>Every batch of the campaign, all occurrences (for its results).</summary>
    Task<IReadOnlyList<CampaignBatch>> ListBatchesAsync(string campaignId, CancellationToken ct);
}

/// <summary>One person a <see cref="MarketingEmail"/> goes to, with what differs for them.</summary>
/// <param name="Substitutions">Tags in the subject and bodies replaced for this recipient (the unsubscribe link: <see cref="CampaignTemplates.UnsubscribeTag"/>).</param>
/// <param name="CustomArgs">Echoed back by the Event Webhook on every event of this email (<see cref="Audiences.EmailCustomArgs"/>).</param>
public sealed record MarketingRecipientEmail(
    string Email, Uri UnsubscribeUrl, IReadOnlyDictionary<string, string> Substitutions, IReadOnlyDictionary<string, string> CustomArgs);

/// <summary>
/// One marketing email with the same content for many recipients, each getting their own copy (one personalization
/// each), with List-Unsubscribe (their <see cref="MarketingRecipientEmail.UnsubscribeUrl"/>) and RFC 8058 one-click.
/// </summary>
public sealed record MarketingEmail(string CampaignId, int BatchNumber, string Subject, string Html, string Text, IReadOnlyList<MarketingRecipientEmail> Recipients);

/// <summary>Sends marketing email in bulk (beside <see cref="IEmailSender"/>, which sends the shop's own messages).</summary>
public interface IBulkEmailSender
{
    /// <summary>The most recipients one <see cref="SendAsync"/> takes (SendGrid: 1000 personalizations per request).</summary>
    int MaxRecipientsPerRequest { get; }

    /// <summary>Sends every recipient their copy in one request (the provider takes a request whole or not at all).</summary>
    /// <exception cref="BulkSendRefusedException">The provider answered that it did not take the request: nobody in it was mailed.</exception>
    /// <remarks>Any other exception (no answer) leaves it unknown whether the request was taken.</remarks>
    Task SendAsync(MarketingEmail email, CancellationToken ct);
}

/// <summary>Settings of campaign sending (<c>Campaigns:*</c>, docs/configuration.md).</summary>
/// <param name="BatchSize">Recipients claimed and sent together (1-1000).</param>
/// <param name="BatchesPerMinute">The throttle: batches claimed per minute per campaign, at most.</param>
/// <remarks>Product links in emails start with the storefront's public address (<c>Storefront:PublicBaseUrl</c>, StorefrontSite), not a setting of their own.</remarks>
public sealed record CampaignSettings(int BatchSize, int BatchesPerMinute)
{
    public const int DefaultBatchSize = 1000;
    public const int MaximumBatchSize = 1000;
    public const int DefaultBatchesPerMinute = 10;

    /// <summary>How long one run of the send timer keeps sending before it leaves the rest to the next run.</summary>
    public TimeSpan RunBudget { get; init; } = TimeSpan.FromSeconds(50);

    public TimeSpan BatchInterval => TimeSpan.FromMinutes(1) / BatchesPerMinute;
}

/// <summary>The email provider answered with an error: it did not take the request, so nobody in it was mailed.</summary>
public sealed class BulkSendRefusedException(string provider, int status, string detail)
    : Exception($"{provider} refused the send ({status}): {detail}")
{
    public int Status { get; } = status;
}
