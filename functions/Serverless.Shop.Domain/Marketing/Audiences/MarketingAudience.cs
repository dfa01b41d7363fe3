using System.Runtime.CompilerServices;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>
/// The people marketing email may go to. Customers in the asked segments who agreed to email marketing (their
/// profile's consent now), and, when asked, confirmed newsletter subscribers; minus the suppression list; one recipient
/// per address (a customer who also subscribed is one recipient, as the customer). Both sources are read a page at a
/// time in order of the address's blind index and merged, so the audience comes out in that order with nothing held in
/// memory but one page of each. Costs: see docs/marketing.md#audiences-and-unsubscribe. Tests: MarketingAudienceTests
/// (unit), MarketingAudienceStoreTests (Cosmos DB).
/// </summary>
public sealed class MarketingAudience(
    IAudienceCustomers customers, INewsletterSubscriberStore subscribers, ISuppressionList suppression, ICustomerProfileStore profiles,
    IPersonalDataVault vault) : IMarketingAudience
{
    public const int PageSize = 100;

    public async IAsyncEnumerable<MarketingRecipient> ListAsync(AudienceSpec audience, string? afterKey, [EnumeratorCancellation] CancellationToken ct)
    {
        var segments = audience.Segments.ToHashSet(StringComparer.Ordinal);
        var fromCustomers = segments.Count == 0
            ? Empty<AudienceCustomer>()
            : Flatten(customers.PagesAsync(PageSize, afterKey, ct), c => c.EmailConsent && c.Segments.Any(segments.Contains), ct);
        var fromSubscribers = audience.NewsletterSubscribers
            ? Flatten(subscribers.ConfirmedPagesAsync(PageSize, afterKey, ct), s => s.Status == SubscriberStatus.Confirmed, ct)
            : Empty<NewsletterSubscriber>();

        var batch = new List<Candidate>(PageSize);
        await foreach (var candidate in MergeAsync(fromCustomers, fromSubscribers, ct))
        {
            batch.Add(candidate);
            if (batch.Count < PageSize) continue;
            await foreach (var recipient in ResolveAsync(batch, ct)) yield return recipient;
            batch.Clear();
        }
        await foreach (var recipient in ResolveAsync(batch, ct)) yield return recipient;
    }

    public async Task<bool> MaySendAsync(string email, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email)) return false;
        var key = await vault.BlindIndexAsync(BlindIndexKind.Email, email, ct);
        if (await suppression.FindAsync(key, ct) is not null) return false;
        if ((await subscribers.FindAsync(key, ct))?.Value.Status == SubscriberStatus.Confirmed) return true;
        var matches = await profiles.SearchAsync(new CustomerSearch(Email: email), 5, ct);
        return matches.Any(p => p.MarketingConsent.GetValueOrDefault(MarketingChannels.Email));
    }

    /// <summary>One address of the merged stream: as a customer, a subscriber, or both.</summary>
    private sealed record Candidate(string Key, AudienceCustomer? Customer, NewsletterSubscriber? Subscriber);

    // Two streams each in key order become one in key order; equal keys are one candidate, and a key seen just before
    // (two profiles with one address) is skipped, so every address comes out once.
    private static async IAsyncEnumerable<Candidate> MergeAsync(
        IAsyncEnumerable<AudienceCustomer> fromCustomers, IAsyncEnumerable<NewsletterSubscriber> fromSubscribers, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var c = fromCustomers.GetAsyncEnumerator(ct);
        await using var s = fromSubscribers.GetAsyncEnumerator(ct);
        var hasC = await c.MoveNextAsync();
        var hasS = await s.MoveNextAsync();
        string? last = null;
        while (hasC || hasS)
        {
            var order = !hasC ? 1 : !hasS ? -1 : string.CompareOrdinal(c.Current.Key, s.Current.Key);
            var candidate = order < 0 ? new Candidate(c.Current.Key, c.Current, null)
                : order > 0 ? new Candidate(s.Current.Key, null, s.Current)
                : new Candidate(c.Current.Key, c.Current, s.Current);
            if (order <= 0) hasC = await c.MoveNextAsync();
            if (order >= 0) hasS = await s.MoveNextAsync();
            if (candidate.Key == last) continue;
            last = candidate.Key;
            yield return candidate;
        }
    }

    // One suppression call per batch; then the addresses: a customer's from their profile (sealed there), a subscriber's as read.
    private async IAsyncEnumerable<MarketingRecipient> ResolveAsync(IReadOnlyList<Candidate> batch, [EnumeratorCancellation] CancellationToken ct)
    {
        if (batch.Count == 0) yield break;
        var suppressed = await suppression.SuppressedAmongAsync([.. batch.Select(b => b.Key)], ct);
        foreach (var candidate in batch.Where(b => !suppressed.Contains(b.Key)))
        {
            if (candidate.Customer is { } customer && await profiles.FindAsync(customer.CustomerId, ct) is { Value: var profile }
                && profile.MarketingConsent.GetValueOrDefault(MarketingChannels.Email) && IsAddress(profile.Email))
                yield return new MarketingRecipient(candidate.Key, profile.Email!, customer.CustomerId, profile.Language, FirstName(profile.Name));
            else if (candidate.Subscriber is { } subscriber && IsAddress(subscriber.Email))
                yield return new MarketingRecipient(candidate.Key, subscriber.Email, subscriber.CustomerId, subscriber.Language, null);
        }
    }

    private static bool IsAddress(string? email) => !string.IsNullOrWhiteSpace(email) && email != PersonalData.Erased;

    private static string? FirstName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name == PersonalData.Erased ? null : name.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];

    private static async IAsyncEnumerable<T> Flatten<T>(IAsyncEnumerable<IReadOnlyList<T>> pages, Func<T, bool> keep, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var page in pages.WithCancellation(ct))
            foreach (var item in page.Where(keep))
                yield return item;
    }

    private static async IAsyncEnumerable<T> Empty<T>()
    {
        await Task.CompletedTask;
        yield break;
    }
}
