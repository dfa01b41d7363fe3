using System.Runtime.CompilerServices;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Loyalty;
using Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;
using Serverless.Shop.Domain.UnitTests.Orders;
using Audiences = Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// Enrolments in memory with the store's contract (CosmosFlowEnrolments): one per flow, key and spell; the due query's
/// rule; an update lands only on the version read, and every write gives a new version.
/// </summary>
internal sealed class InMemoryFlowEnrolments : IFlowEnrolments
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Versioned<FlowEnrolment>> _items = new(StringComparer.Ordinal);
    private int _version;

    /// <summary>Runs once, just before the next update is checked: another run or writer acting meanwhile.</summary>
    public Action? BeforeNextUpdate { get; set; }

    public IReadOnlyList<FlowEnrolment> All
    {
        get { lock (_lock) return [.. _items.Values.Select(v => v.Value)]; }
    }

    public FlowEnrolment Single(string flowId) => All.Where(e => e.FlowId == flowId).ShouldHaveSingleItem();

    private static string Id(FlowEnrolment e) => $"{e.FlowId}|{e.Key}|{e.Spell}";

    public Task<bool> EnrolAsync(FlowEnrolment enrolment, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_items.ContainsKey(Id(enrolment))) return Task.FromResult(false);
            _items[Id(enrolment)] = new(enrolment, $"v{++_version}");
            return Task.FromResult(true);
        }
    }

    public async IAsyncEnumerable<Versioned<FlowEnrolment>> ListDueAsync(string flowId, IReadOnlyList<DateTimeOffset> enteredBy, [EnumeratorCancellation] CancellationToken ct)
    {
        List<Versioned<FlowEnrolment>> due;
        lock (_lock)
        {
            due = [.. _items.Values.Where(v => v.Value.FlowId == flowId && v.Value.Status == EnrolmentStatus.Active
                && (v.Value.StepsSent >= enteredBy.Count || v.Value.EnteredAt <= enteredBy[v.Value.StepsSent]))];
        }
        foreach (var item in due)
        {
            await Task.Yield();
            yield return item;
        }
    }

    public Task<bool> TryUpdateAsync(Versioned<FlowEnrolment> current, FlowEnrolment next, CancellationToken ct)
    {
        var hook = BeforeNextUpdate;
        BeforeNextUpdate = null;
        hook?.Invoke();
        lock (_lock)
        {
            var id = Id(current.Value);
            if (!_items.TryGetValue(id, out var stored) || stored.Version != current.Version) return Task.FromResult(false);
            _items[id] = new(stored.Value with { StepsSent = next.StepsSent, Status = next.Status, StopReason = next.StopReason, LastChangedAt = next.LastChangedAt }, $"v{++_version}");
            return Task.FromResult(true);
        }
    }

    /// <summary>Another writer touching the enrolment (a new version), as a concurrent run's claim would.</summary>
    public void Touch(FlowEnrolment enrolment)
    {
        lock (_lock) _items[Id(enrolment)] = new(_items[Id(enrolment)].Value, $"v{++_version}");
    }

    public Task<IReadOnlyList<FlowEnrolment>> ListByCustomerAsync(string customerId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FlowEnrolment>>([.. All.Where(e => e.CustomerId == customerId)]);

    public Task DeleteByCustomerAsync(string customerId, CancellationToken ct)
    {
        lock (_lock)
            foreach (var id in _items.Where(i => i.Value.Value.CustomerId == customerId).Select(i => i.Key).ToList()) _items.Remove(id);
        return Task.CompletedTask;
    }
}

/// <summary>An audience of segment members (each a customer) and the addresses that may be mailed.</summary>
internal sealed class SegmentAudience : IMarketingAudience
{
    public HashSet<string> Consented { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<(string Segment, MarketingRecipient Member)> Members { get; } = [];

    public async IAsyncEnumerable<MarketingRecipient> ListAsync(AudienceSpec audience, string? afterKey, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var member in Members.Where(m => audience.Segments.Contains(m.Segment) && Consented.Contains(m.Member.Email)).Select(m => m.Member).DistinctBy(m => m.Key).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            await Task.Yield();
            yield return member;
        }
    }

    public Task<bool> MaySendAsync(string email, CancellationToken ct) => Task.FromResult(Consented.Contains(email));
}

/// <summary>The flows over enrolments on in-memory fakes, sharing the order test bed's clock.</summary>
internal sealed class FlowTestShop
{
    public OrderTestBed Orders { get; } = new();
    public ManualClock Clock => Orders.Clock;
    public InMemoryFlowEnrolments Enrolments { get; } = new();
    public InMemoryFlowSettingsStore Settings { get; } = new();
    public SegmentAudience Audience { get; } = new();
    public InMemoryProfiles Profiles { get; } = new();
    public Audiences.InMemorySubscribers Subscribers { get; } = new();
    public Audiences.RecordingEmailSender Mail { get; } = new();
    public Audiences.InMemoryCounters Counters { get; } = new();
    public InMemoryProductStore Products { get; } = new();
    public FakePersonalization Personalization { get; } = new();
    public InMemoryCustomerSummaryStore Summaries { get; } = new();
    public IndexingVault Vault { get; } = new();
    public StorefrontSite Storefront { get; set; } = new(new StorefrontSettings(new Uri("https://shop.test/"), "Test shop", new Uri("https://shop.test/api/")));

    public FlowSettingsReader Reader => new(Settings, [WelcomeSeries.Definition, WinBackFlow.Definition]);

    public SendFlowSteps Steps => new(Enrolments, Audience, Profiles, Subscribers, Vault,
        new FlowEmails(new CampaignContentSource(Products, Personalization), new FakeUnsubscribeLinks(), Mail, Counters, Storefront), Storefront, Clock);

    public WelcomeSeries Welcome => new(Reader, Enrolments, Steps, Profiles, Vault, Clock);

    public WinBackFlow WinBack => new(Reader, Enrolments, Audience, Summaries, Orders.Store, Steps, Clock);

    /// <summary>Switches a flow on with its default steps (or the given ones) and segments.</summary>
    public void SwitchOn(FlowDefinition flow, IReadOnlyList<FlowStep>? steps = null, params string[] segments) =>
        Settings.Put(flow.Defaults with { Enabled = true, Steps = steps ?? flow.DefaultSteps, Segments = segments });

    public IReadOnlyList<EmailMessage> MailTo(string email) => [.. Mail.Sent.Where(m => m.To.Contains(email))];
}
