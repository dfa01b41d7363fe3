using System.Runtime.CompilerServices;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

/// <summary>Campaigns and batch claims in memory, with the store's contract: ETags change on every write, a batch number is created once.</summary>
internal sealed class InMemoryCampaignStore : ICampaignStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Versioned<Campaign>> _campaigns = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Campaign, string Occurrence, int Number), CampaignBatch> _batches = [];
    private int _version;

    public int Claims { get; private set; }
    public int RefusedClaims { get; private set; }

    public Versioned<Campaign> Current(string id)
    {
        lock (_lock) return _campaigns[id];
    }

    public IReadOnlyList<CampaignBatch> Batches
    {
        get { lock (_lock) return [.. _batches.Values.OrderBy(b => b.Occurrence).ThenBy(b => b.Number)]; }
    }

    public Task<Versioned<Campaign>?> FindAsync(string id, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_campaigns.GetValueOrDefault(id));
    }

    public Task<string> CreateAsync(Campaign campaign, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_campaigns.ContainsKey(campaign.Id)) throw new DuplicateResourceException("id", "exists");
            return Task.FromResult((_campaigns[campaign.Id] = new(campaign, $"v{++_version}")).Version);
        }
    }

    public Task<string> ReplaceAsync(Campaign campaign, string expectedVersion, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaign.Id, out var stored) || stored.Version != expectedVersion) throw new StaleVersionException("Campaign");
            return Task.FromResult((_campaigns[campaign.Id] = new(campaign, $"v{++_version}")).Version);
        }
    }

    public Task<Page<Campaign>> ListAsync(CampaignStatus? status, PageRequest page, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult(new Page<Campaign>([.. _campaigns.Values.Select(c => c.Value).Where(c => status is null || c.Status == status).OrderByDescending(c => c.CreatedAt).Take(page.Size)], null));
    }

    public Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<string>>([.. _campaigns.Values.Select(c => c.Value)
                .Where(c => c.Status == CampaignStatus.Sending || (c.Status == CampaignStatus.Scheduled && c.NextSendAt <= now)).Select(c => c.Id).Take(max)]);
    }

    public Task<CampaignBatch?> FindLastBatchAsync(string campaignId, string occurrence, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult(_batches.Values.Where(b => b.CampaignId == campaignId && b.Occurrence == occurrence).MaxBy(b => b.Number));
    }

    public Task<bool> TryClaimAsync(CampaignBatch batch, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_batches.TryAdd((batch.CampaignId, batch.Occurrence, batch.Number), batch))
            {
                RefusedClaims++;
                return Task.FromResult(false);
            }
            Claims++;
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(CampaignBatch batch, CancellationToken ct)
    {
        lock (_lock) _batches.Remove((batch.CampaignId, batch.Occurrence, batch.Number));
        return Task.CompletedTask;
    }

    public Task MarkSentAsync(CampaignBatch batch, CancellationToken ct)
    {
        lock (_lock) _batches[(batch.CampaignId, batch.Occurrence, batch.Number)] = batch;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CampaignBatch>> ListBatchesAsync(string campaignId, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<CampaignBatch>>([.. _batches.Values.Where(b => b.CampaignId == campaignId)]);
    }
}

/// <summary>An audience in memory: recipients with their segments, a suppression list, engagement per campaign.</summary>
internal sealed class FakeAudience : IMarketingAudience, IUnsubscribeLinks, IEmailEngagementReader
{
    private readonly object _lock = new();
    private readonly List<(MarketingRecipient Recipient, string[] Segments, bool Newsletter)> _people = [];
    private readonly HashSet<string> _suppressed = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, EmailEngagement> Engagement { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs as each recipient is listed (a test unsubscribes someone mid-send).</summary>
    public Action<MarketingRecipient>? OnListed { get; set; }

    public FakeAudience Add(string key, string email, string[]? segments = null, bool newsletter = true, string? customerId = null, string? firstName = null)
    {
        lock (_lock) _people.Add((new MarketingRecipient(key, email, customerId, null, firstName), segments ?? [], newsletter));
        return this;
    }

    /// <summary>People r000 ... r(n-1), newsletter subscribers, addresses r000@example.com ...</summary>
    public static FakeAudience Of(int count)
    {
        var audience = new FakeAudience();
        for (var i = 0; i < count; i++) audience.Add($"r{i:D3}", $"r{i:D3}@example.com");
        return audience;
    }

    public void Suppress(string email)
    {
        lock (_lock) _suppressed.Add(email);
    }

    /// <summary>The afterKey of every listing, in order.</summary>
    public List<string?> ListedAfter { get; } = [];

    public async IAsyncEnumerable<MarketingRecipient> ListAsync(AudienceSpec audience, string? afterKey, [EnumeratorCancellation] CancellationToken ct)
    {
        List<MarketingRecipient> listed;
        lock (_lock)
        {
            ListedAfter.Add(afterKey);
            listed = [.. _people.Where(p => !_suppressed.Contains(p.Recipient.Email))
                .Where(p => afterKey is null || string.CompareOrdinal(p.Recipient.Key, afterKey) > 0)
                .Where(p => (audience.NewsletterSubscribers && p.Newsletter) || p.Segments.Intersect(audience.Segments).Any())
                .Select(p => p.Recipient).OrderBy(r => r.Key, StringComparer.Ordinal)];
        }
        foreach (var recipient in listed)
        {
            await Task.Yield();
            OnListed?.Invoke(recipient);
            yield return recipient;
        }
    }

    public Task<bool> MaySendAsync(string email, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(!_suppressed.Contains(email));
    }

    public Uri For(MarketingRecipient recipient, string? campaignId) => new($"https://shop.test/unsubscribe/{recipient.Key}?c={campaignId}");

    public Task<EmailEngagement> ReadAsync(string campaignId, CancellationToken ct) => Task.FromResult(Engagement.GetValueOrDefault(campaignId) ?? EmailEngagement.None);
}

/// <summary>Records every request; can refuse requests or fail without an answer on a chosen call.</summary>
internal sealed class RecordingBulkSender(int maxRecipientsPerRequest = 1000) : IBulkEmailSender
{
    private readonly object _lock = new();
    private readonly List<MarketingEmail> _sent = [];
    private int _calls;

    public int MaxRecipientsPerRequest => maxRecipientsPerRequest;

    /// <summary>Returns the exception to throw for the n-th call (0-based), or null to accept it.</summary>
    public Func<int, Exception?> Failure { get; set; } = _ => null;

    public IReadOnlyList<MarketingEmail> Sent { get { lock (_lock) return [.. _sent]; } }

    /// <summary>Every recipient address mailed, once per copy sent.</summary>
    public IReadOnlyList<string> Recipients { get { lock (_lock) return [.. _sent.SelectMany(e => e.Recipients.Select(r => r.Email))]; } }

    public Task SendAsync(MarketingEmail email, CancellationToken ct)
    {
        int call;
        lock (_lock) call = _calls++;
        if (Failure(call) is { } failure) throw failure;
        lock (_lock) _sent.Add(email);
        return Task.CompletedTask;
    }
}

internal sealed class FakePersonalization : ICampaignPersonalization
{
    public Dictionary<string, PersonalOffer> Offers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, IReadOnlyList<string>> Categories { get; } = new(StringComparer.Ordinal);

    public Task<PersonalOffer?> OfferAsync(string customerId, CancellationToken ct) => Task.FromResult(Offers.GetValueOrDefault(customerId));

    public Task<IReadOnlyList<string>> PurchasedCategoriesAsync(string customerId, CancellationToken ct) =>
        Task.FromResult(Categories.GetValueOrDefault(customerId) ?? []);
}

/// <summary>Attributed revenue as a test sets it, per campaign id.</summary>
internal sealed class FakeAttributedRevenue : IAttributedRevenueReader
{
    public Dictionary<string, AttributedRevenue> ByCampaign { get; } = new(StringComparer.Ordinal);

    public Task<AttributedRevenue> ReadAsync(string campaignOrFlowId, CancellationToken ct) =>
        Task.FromResult(ByCampaign.GetValueOrDefault(campaignOrFlowId) ?? AttributedRevenue.None);
}
