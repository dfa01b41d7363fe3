using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>Newsletter subscriptions, one per address (by its blind index), each read and written whole under its version.</summary>
public interface INewsletterSubscriberStore
{
    Task<Versioned<NewsletterSubscriber>?> FindAsync(string key, CancellationToken ct);

    /// <summary>Creates the subscription when <paramref name="expectedVersion"/> is null, else replaces that version.</summary>
    /// <exception cref="StaleVersionException">Another request wrote (or created) it first.</exception>
    Task<string> SaveAsync(NewsletterSubscriber subscriber, string? expectedVersion, CancellationToken ct);

    /// <summary>The confirmed subscribers in order of <see cref="NewsletterSubscriber.Key"/>, from the first key after <paramref name="afterKey"/> (null: all), a page (one query page) at a time.</summary>
    IAsyncEnumerable<IReadOnlyList<NewsletterSubscriber>> ConfirmedPagesAsync(int pageSize, string? afterKey, CancellationToken ct);

    /// <summary>The subscriptions linked to a customer (normally one).</summary>
    Task<IReadOnlyList<NewsletterSubscriber>> ListByCustomerAsync(string customerId, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>The suppression list, by blind index.</summary>
public interface ISuppressionList
{
    Task<SuppressionEntry?> FindAsync(string key, CancellationToken ct);

    /// <summary>Which of these keys are suppressed: one call for a page of recipients.</summary>
    Task<IReadOnlySet<string>> SuppressedAmongAsync(IReadOnlyCollection<string> keys, CancellationToken ct);

    /// <summary>
    /// Suppresses the key for <paramref name="record"/>'s reason. An entry that already has that reason is left as it is
    /// (the first record of each reason is kept), so repeating it is harmless. The address and customer, when given, are
    /// kept on the entry if it had none.
    /// </summary>
    Task AddAsync(string key, string? email, string? customerId, SuppressionRecord record, CancellationToken ct);

    /// <summary>Removes the entry whatever its reasons (staff). False when there was none.</summary>
    Task<bool> RemoveAsync(string key, CancellationToken ct);

    /// <summary>Takes one reason off the entry, and the entry away when no reason is left (a person who opts in again).</summary>
    Task RemoveReasonAsync(string key, SuppressionReason reason, CancellationToken ct);

    Task<Page<SuppressionEntry>> ListAsync(PageRequest page, CancellationToken ct);

    /// <summary>How many entries hold each reason, and how many entries there are.</summary>
    Task<(int Total, IReadOnlyDictionary<SuppressionReason, int> ByReason)> CountAsync(CancellationToken ct);

    Task<IReadOnlyList<SuppressionEntry>> ListByCustomerAsync(string customerId, CancellationToken ct);

    /// <summary>An erased customer: their entries stay (the address must stay suppressed) but lose the address and the customer id.</summary>
    Task ForgetCustomerAsync(string customerId, CancellationToken ct);
}

/// <summary>A customer as the audience sees them: no personal value, only the email's blind index, the consent and the segments.</summary>
public sealed record AudienceCustomer(string Key, string CustomerId, bool EmailConsent, IReadOnlyList<string> Segments);

/// <summary>The customers who have an email address, in order of its blind index.</summary>
public interface IAudienceCustomers
{
    /// <summary>Every customer with an email, a page at a time, in order of <see cref="AudienceCustomer.Key"/>, from the first key after <paramref name="afterKey"/> (null: all).</summary>
    IAsyncEnumerable<IReadOnlyList<AudienceCustomer>> PagesAsync(int pageSize, string? afterKey, CancellationToken ct);
}

/// <summary>What is counted per campaign or flow: the Event Webhook's events, and <see cref="Sent"/>, which a flow counts itself as it sends (a campaign's sends are in its batches).</summary>
public enum EngagementKind { Delivered, Opened, Clicked, Bounced, Unsubscribed, SpamReport, Sent }

/// <summary>The per-campaign counters the Event Webhook feeds.</summary>
public interface IEmailEngagementCounters : IEmailEngagementReader
{
    /// <summary>Adds one to the campaign's counter (each event is counted once by its caller, through the webhook inbox).</summary>
    Task CountAsync(string campaignId, EngagementKind kind, CancellationToken ct);
}

/// <summary>The key confirmation and unsubscribe links are signed with (setting <c>Marketing:LinkSigningKey</c>).</summary>
public interface IMarketingLinkKey
{
    /// <exception cref="NotConfiguredException">The key is not configured: no link is made or accepted.</exception>
    byte[] Key { get; }
}

/// <summary>Where the links in marketing email point: the API's address, e.g. <c>https://shop.example/api/</c>; null: not configured.</summary>
public sealed record MarketingLinkSettings(Uri? ApiBaseUrl)
{
    public Uri Require(string path) => ApiBaseUrl is { } root
        ? new Uri(root, path)
        : throw new NotConfiguredException("Marketing:LinkBaseUrl is not set (nor WEBSITE_HOSTNAME): the shop cannot make links for marketing email.");
}
