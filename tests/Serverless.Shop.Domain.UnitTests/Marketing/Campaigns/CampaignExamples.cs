using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

/// <summary>A clock the test moves; a timer (Task.Delay on this clock) moves it by its due time and fires at once, so throttled sends take no real time.</summary>
internal sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Advance(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }
        return new StoppedTimer();
    }

    private sealed class StoppedTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The campaign use cases over in-memory fakes, sharing one clock.</summary>
internal sealed class CampaignTestShop
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 7, 0, 0, TimeSpan.Zero); // a Monday
    public static readonly Actor Marketer = new("marketer-1", [ShopRoles.Marketer]);

    public CampaignTestShop(FakeAudience audience, int batchSize = 10, int batchesPerMinute = 10, int maxPerRequest = 1000)
    {
        Audience = audience;
        Sender = new RecordingBulkSender(maxPerRequest);
        Settings = new CampaignSettings(batchSize, batchesPerMinute);
        Content = new CampaignContentSource(Products, Personalization);
        Manage = new ManageCampaigns(Store, Content, audience, Loyalty, Clock);
        Send = new SendCampaigns(Store, Content, audience, audience, Sender, Settings, Storefront, Clock);
        Preview = new PreviewCampaigns(Manage, Content, audience, Sender, Storefront);
        Results = new CampaignResultsReport(Manage, Store, audience, Revenue);
    }

    public SteppingClock Clock { get; } = new(Start);
    public InMemoryCampaignStore Store { get; } = new();
    public InMemoryProductStore Products { get; } = new();
    public FakePersonalization Personalization { get; } = new();
    public FakeAudience Audience { get; }
    public FakeAttributedRevenue Revenue { get; } = new();
    public RecordingBulkSender Sender { get; }
    public CampaignSettings Settings { get; }
    public StorefrontSite Storefront { get; } = new(new StorefrontSettings(new Uri("https://shop.test/"), "Test shop", new Uri("https://shop.test/api/")));
    public LoyaltySettings Loyalty { get; } = new(1m, 365, 30) { Segments = [new SegmentRule("vip", SegmentRuleKind.OrdersAtLeast, "5")] };
    public CampaignContentSource Content { get; }
    public ManageCampaigns Manage { get; }
    public SendCampaigns Send { get; }
    public PreviewCampaigns Preview { get; }
    public CampaignResultsReport Results { get; }

    public static CampaignInput Input(string subject = "News", string html = "<p>Hello</p>", string text = "Hello") =>
        new("Spring news", new AudienceInput([], true), new ContentInput(subject, html, text), null, null, null);

    /// <summary>A campaign created and scheduled to go at once (a second from now), and the clock moved to that time.</summary>
    public async Task<Campaign> ScheduledNowAsync(CampaignInput? input = null)
    {
        var created = await Manage.CreateAsync(input ?? Input(), Marketer, CancellationToken.None);
        await Manage.ScheduleAsync(created.Value.Id, new ScheduleInput(Clock.GetUtcNow().AddSeconds(1), null, null), Marketer, CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        return Store.Current(created.Value.Id).Value;
    }

    public Task<(int Batches, int Recipients)> RunAsync(string campaignId) =>
        Send.SendAsync(campaignId, Clock.GetUtcNow() + Settings.RunBudget, CancellationToken.None);
}
