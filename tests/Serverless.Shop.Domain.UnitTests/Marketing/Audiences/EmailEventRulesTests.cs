using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

public sealed class EmailEventRulesTests
{
    [Theory]
    [InlineData("bounce", SuppressionReason.Bounce)]
    [InlineData("dropped", SuppressionReason.Dropped)]
    [InlineData("spamreport", SuppressionReason.SpamReport)]
    [InlineData("unsubscribe", SuppressionReason.Unsubscribe)]
    [InlineData("group_unsubscribe", SuppressionReason.Unsubscribe)]
    public void These_events_suppress_the_address(string type, SuppressionReason reason) =>
        EmailEventRules.SuppressionFor(type).ShouldBe(reason);

    [Theory]
    [InlineData("delivered")]
    [InlineData("open")]
    [InlineData("click")]
    [InlineData("processed")]
    [InlineData("deferred")]
    [InlineData("group_resubscribe")]
    [InlineData("something_new")]
    public void These_events_suppress_nothing(string type) => EmailEventRules.SuppressionFor(type).ShouldBeNull();

    [Theory]
    [InlineData("delivered", EngagementKind.Delivered)]
    [InlineData("open", EngagementKind.Opened)]
    [InlineData("click", EngagementKind.Clicked)]
    [InlineData("bounce", EngagementKind.Bounced)]
    [InlineData("unsubscribe", EngagementKind.Unsubscribed)]
    [InlineData("spamreport", EngagementKind.SpamReport)]
    public void These_events_count_towards_their_campaign(string type, EngagementKind kind) => EmailEventRules.CounterFor(type).ShouldBe(kind);

    [Theory]
    [InlineData("processed")]
    [InlineData("deferred")]
    [InlineData("dropped")]
    [InlineData("something_new")]
    public void These_events_count_nothing(string type) => EmailEventRules.CounterFor(type).ShouldBeNull();

    [Fact]
    public async Task Each_event_is_handled_once_and_unknown_types_are_ignored()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        IReadOnlyList<EmailEvent> delivery =
        [
            new("e1", "bounce", "robin@example.com", null, "cmp_1", at),
            new("e2", "open", "sam@example.com", null, "cmp_1", at),
            new("e3", "something_new", "sam@example.com", null, "cmp_1", at),
            new("e4", "spamreport", null, IndexingVault.Index("kim@example.com"), null, at),
        ];
        var (inbox, suppressions, counters) = (new InMemoryInbox(), new InMemorySuppressions(), new InMemoryCounters());
        var receive = new ReceiveEmailEvents(new FixedReader(delivery), inbox, suppressions, counters, new CampaignUnsubscribes(inbox, counters), new IndexingVault());

        (await receive.HandleAsync(new Dictionary<string, string>(), "", default)).ShouldBe(new EmailEventReceipt(3, 0, 1));
        (await receive.HandleAsync(new Dictionary<string, string>(), "", default)).ShouldBe(new EmailEventReceipt(0, 3, 1));

        suppressions.All.Select(e => (e.Key, e.Reasons.Single().Reason)).OrderBy(e => e.Reason).ShouldBe(
        [
            (IndexingVault.Index("robin@example.com"), SuppressionReason.Bounce),
            (IndexingVault.Index("kim@example.com"), SuppressionReason.SpamReport),
        ]);
        counters.Counts.ShouldBe(new Dictionary<(string, EngagementKind), long> { [("cmp_1", EngagementKind.Bounced)] = 1, [("cmp_1", EngagementKind.Opened)] = 1 }, ignoreOrder: true);
    }

    [Fact]
    public async Task A_persons_unsubscribe_counts_once_per_campaign_though_the_provider_reports_it_twice_and_the_link_was_used_too()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        IReadOnlyList<EmailEvent> delivery =
        [
            new("e1", "unsubscribe", "robin@example.com", null, "cmp_1", at),
            new("e2", "group_unsubscribe", "robin@example.com", null, "cmp_1", at),
            new("e3", "unsubscribe", "sam@example.com", null, "cmp_1", at),
            new("e4", "unsubscribe", "robin@example.com", null, "cmp_2", at),
        ];
        var (inbox, suppressions, counters) = (new InMemoryInbox(), new InMemorySuppressions(), new InMemoryCounters());
        var unsubscribes = new CampaignUnsubscribes(inbox, counters);
        await unsubscribes.CountOnceAsync("cmp_1", IndexingVault.Index("sam@example.com"), default); // Sam used the shop's link first
        var receive = new ReceiveEmailEvents(new FixedReader(delivery), inbox, suppressions, counters, unsubscribes, new IndexingVault());

        await receive.HandleAsync(new Dictionary<string, string>(), "", default);

        counters.Counts.ShouldBe(new Dictionary<(string, EngagementKind), long> { [("cmp_1", EngagementKind.Unsubscribed)] = 2, [("cmp_2", EngagementKind.Unsubscribed)] = 1 }, ignoreOrder: true);
    }

    private sealed class FixedReader(IReadOnlyList<EmailEvent> events) : IEmailEventWebhookReader
    {
        public Task<IReadOnlyList<EmailEvent>> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct) => Task.FromResult(events);
    }
}
