using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

/// <summary>A blind index like the vault's (a keyed hash, base64) and a record of erasures; sealing is the stores' business, not the domain's.</summary>
internal sealed class IndexingVault : IPersonalDataVault
{
    public List<DataOwner> Erased { get; } = [];

    public static string Index(string email) =>
        Convert.ToBase64String(HMACSHA256.HashData("test-index-key"u8.ToArray(), Encoding.UTF8.GetBytes("email:" + PersonalData.Normalise(BlindIndexKind.Email, email))));

    public Task<IPersonalDataKey> OpenAsync(DataOwner owner, bool createIfMissing, CancellationToken ct) => throw new NotSupportedException();

    public Task<bool> EraseAsync(DataOwner owner, CancellationToken ct)
    {
        Erased.Add(owner);
        return Task.FromResult(true);
    }

    public Task<string> BlindIndexAsync(BlindIndexKind kind, string value, CancellationToken ct) => Task.FromResult(Index(value));
}

internal sealed class FixedLinkKey(byte[] key) : IMarketingLinkKey
{
    public FixedLinkKey() : this(RandomNumberGenerator.GetBytes(32)) { }

    public byte[] Key { get; } = key;
}

/// <summary>A clock the test moves on.</summary>
internal sealed class MovableClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal sealed class RecordingEmailSender : IEmailSender
{
    public List<EmailMessage> Sent { get; } = [];
    public bool Fail { get; set; }

    public Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        if (Fail) throw new IOException("The mail server is down.");
        Sent.Add(message);
        return Task.CompletedTask;
    }
}

internal sealed class InMemorySubscribers : INewsletterSubscriberStore
{
    private readonly Dictionary<string, Versioned<NewsletterSubscriber>> _items = new(StringComparer.Ordinal);
    private int _version;

    public IReadOnlyCollection<NewsletterSubscriber> All => [.. _items.Values.Select(v => v.Value)];

    public void Put(NewsletterSubscriber subscriber) => _items[subscriber.Key] = new(subscriber, $"v{++_version}");

    public Task<Versioned<NewsletterSubscriber>?> FindAsync(string key, CancellationToken ct) => Task.FromResult(_items.GetValueOrDefault(key));

    public Task<string> SaveAsync(NewsletterSubscriber subscriber, string? expectedVersion, CancellationToken ct)
    {
        if (_items.GetValueOrDefault(subscriber.Key)?.Version != expectedVersion) throw new StaleVersionException("Subscription");
        Put(subscriber);
        return Task.FromResult(_items[subscriber.Key].Version);
    }

    public async IAsyncEnumerable<IReadOnlyList<NewsletterSubscriber>> ConfirmedPagesAsync(int pageSize, string? afterKey, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var page in _items.Values.Select(v => v.Value).Where(s => s.Status == SubscriberStatus.Confirmed)
                     .Where(s => afterKey is null || string.CompareOrdinal(s.Key, afterKey) > 0).OrderBy(s => s.Key, StringComparer.Ordinal).Chunk(pageSize))
            yield return page;
    }

    public Task<IReadOnlyList<NewsletterSubscriber>> ListByCustomerAsync(string customerId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<NewsletterSubscriber>>([.. _items.Values.Select(v => v.Value).Where(s => s.CustomerId == customerId)]);

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        _items.Remove(key);
        return Task.CompletedTask;
    }
}

internal sealed class InMemorySuppressions : ISuppressionList
{
    private readonly Dictionary<string, SuppressionEntry> _entries = new(StringComparer.Ordinal);

    public IReadOnlyCollection<SuppressionEntry> All => _entries.Values;
    public int LookupCalls { get; private set; }

    public Task<SuppressionEntry?> FindAsync(string key, CancellationToken ct) => Task.FromResult(_entries.GetValueOrDefault(key));

    public Task<IReadOnlySet<string>> SuppressedAmongAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        LookupCalls++;
        return Task.FromResult<IReadOnlySet<string>>(keys.Where(_entries.ContainsKey).ToHashSet(StringComparer.Ordinal));
    }

    public Task AddAsync(string key, string? email, string? customerId, SuppressionRecord record, CancellationToken ct)
    {
        var current = _entries.GetValueOrDefault(key);
        _entries[key] = new SuppressionEntry
        {
            Key = key, Email = current?.Email ?? email, CustomerId = current?.CustomerId ?? customerId, DataOwnerId = current?.DataOwnerId ?? (email is null ? null : "sup_" + key.Length),
            Reasons = current?.Reasons.Any(r => r.Reason == record.Reason) == true ? current.Reasons : [.. current?.Reasons ?? [], record],
        };
        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string key, CancellationToken ct) => Task.FromResult(_entries.Remove(key));

    public Task RemoveReasonAsync(string key, SuppressionReason reason, CancellationToken ct)
    {
        if (_entries.GetValueOrDefault(key) is { } entry)
        {
            var left = entry.Reasons.Where(r => r.Reason != reason).ToList();
            if (left.Count == 0) _entries.Remove(key);
            else _entries[key] = entry with { Reasons = left };
        }
        return Task.CompletedTask;
    }

    public Task<Page<SuppressionEntry>> ListAsync(PageRequest page, CancellationToken ct) => throw new NotSupportedException();

    public Task<(int Total, IReadOnlyDictionary<SuppressionReason, int> ByReason)> CountAsync(CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<SuppressionEntry>> ListByCustomerAsync(string customerId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SuppressionEntry>>([.. _entries.Values.Where(e => e.CustomerId == customerId)]);

    public Task ForgetCustomerAsync(string customerId, CancellationToken ct)
    {
        foreach (var entry in _entries.Values.Where(e => e.CustomerId == customerId).ToList())
            _entries[entry.Key] = entry with { Email = null, CustomerId = null, DataOwnerId = null };
        return Task.CompletedTask;
    }
}

internal sealed class InMemoryProfiles : ICustomerProfileStore
{
    private readonly Dictionary<string, Versioned<CustomerProfile>> _profiles = new(StringComparer.Ordinal);
    private int _version;

    public int Reads { get; private set; }

    public CustomerProfile Add(string customerId, string email, bool emailConsent, string? name = "Robin Example")
    {
        var at = FixedClockInstant;
        var profile = new CustomerProfile
        {
            CustomerId = customerId, Email = email, Name = name, CreatedAt = at, UpdatedAt = at,
            ConsentHistory = [new ConsentChange(MarketingChannels.Email, emailConsent, at, "account-page")],
        };
        _profiles[customerId] = new(profile, $"v{++_version}");
        return profile;
    }

    public CustomerProfile Get(string customerId) => _profiles[customerId].Value;

    public Task<Versioned<CustomerProfile>?> FindAsync(string customerId, CancellationToken ct)
    {
        Reads++;
        return Task.FromResult(_profiles.GetValueOrDefault(customerId));
    }

    public Task<string> SaveAsync(CustomerProfile profile, string? expectedVersion, CancellationToken ct)
    {
        if (_profiles.GetValueOrDefault(profile.CustomerId)?.Version != expectedVersion) throw new StaleVersionException("Profile");
        _profiles[profile.CustomerId] = new(profile, $"v{++_version}");
        return Task.FromResult(_profiles[profile.CustomerId].Version);
    }

    public Task<IReadOnlyList<CustomerProfile>> SearchAsync(CustomerSearch search, int max, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CustomerProfile>>([.. _profiles.Values.Select(v => v.Value)
            .Where(p => search.Email is not null && string.Equals(p.Email, search.Email.Trim(), StringComparison.OrdinalIgnoreCase)).Take(max)]);

    public Task DeleteAsync(string customerId, CancellationToken ct)
    {
        _profiles.Remove(customerId);
        return Task.CompletedTask;
    }

    /// <summary>What the audience source derives from the profiles (key order, consent), with the given segments per customer.</summary>
    public IAudienceCustomers AsAudience(IReadOnlyDictionary<string, string[]> segments) => new ProfileAudience(this, segments);

    private static readonly DateTimeOffset FixedClockInstant = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed class ProfileAudience(InMemoryProfiles profiles, IReadOnlyDictionary<string, string[]> segments) : IAudienceCustomers
    {
        public async IAsyncEnumerable<IReadOnlyList<AudienceCustomer>> PagesAsync(int pageSize, string? afterKey, [EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Yield();
            var all = profiles._profiles.Values.Select(v => v.Value).Where(p => p.Email is not null)
                .Select(p => new AudienceCustomer(IndexingVault.Index(p.Email!), p.CustomerId, p.MarketingConsent[MarketingChannels.Email], segments.GetValueOrDefault(p.CustomerId) ?? []))
                .Where(c => afterKey is null || string.CompareOrdinal(c.Key, afterKey) > 0)
                .OrderBy(c => c.Key, StringComparer.Ordinal);
            foreach (var page in all.Chunk(pageSize)) yield return page;
        }
    }
}

internal sealed class InMemoryInbox : IWebhookInbox
{
    private readonly HashSet<string> _handled = [];

    public async Task<bool> HandleOnceAsync(string source, string eventId, Func<CancellationToken, Task> handler, CancellationToken ct)
    {
        if (!_handled.Add(source + ":" + eventId)) return false;
        await handler(ct);
        return true;
    }
}

internal sealed class InMemoryCounters : IEmailEngagementCounters
{
    public Dictionary<(string Campaign, EngagementKind Kind), long> Counts { get; } = [];

    public Task CountAsync(string campaignId, EngagementKind kind, CancellationToken ct)
    {
        Counts[(campaignId, kind)] = Counts.GetValueOrDefault((campaignId, kind)) + 1;
        return Task.CompletedTask;
    }

    public Task<EmailEngagement> ReadAsync(string campaignId, CancellationToken ct) => throw new NotSupportedException();
}
