using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Clickstream;

/// <summary>The ingestion use case without a server: what it stamps, what it refuses, and that a refusal hands nothing on.</summary>
public sealed class AcceptClickstreamEventsTests
{
    private static readonly DateTimeOffset Now = FixedClock.Instant;
    private readonly RecordingSink sink = new();
    private readonly CountingGuard guard = new();

    private AcceptClickstreamEvents Accept => new(sink, guard, new FixedClock(Now));

    [Fact]
    public async Task Accepted_events_get_the_servers_time_the_network_prefix_a_path_without_query_and_the_referrers_host()
    {
        var input = Event("page-view") with { Path = "/cart?token=secret#top", Referrer = "HTTPS://Www.Search.Example/q?x=1", At = Now.AddMinutes(-1).ToOffset(TimeSpan.FromHours(2)) };

        var result = await Accept.AcceptAsync(new ClickstreamBatchInput([input]), "203.0.113.77", CancellationToken.None);

        result.Accepted.ShouldBe(1);
        var sent = sink.Batches.ShouldHaveSingleItem().ShouldHaveSingleItem();
        sent.ReceivedAt.ShouldBe(Now);
        sent.OccurredAt.ShouldBe(Now.AddMinutes(-1));
        sent.OccurredAt.Offset.ShouldBe(TimeSpan.Zero);
        sent.NetworkPrefix.ShouldBe("203.0.113.0/24");
        sent.Path.ShouldBe("/cart");
        sent.ReferrerHost.ShouldBe("www.search.example");
        sent.Type.ShouldBe(ClickstreamEventType.PageView);
        sent.PageType.ShouldBe("home");
    }

    [Fact]
    public async Task An_event_without_a_page_type_is_on_an_other_page()
    {
        await Accept.AcceptAsync(new ClickstreamBatchInput([Event("checkout-start") with { PageType = null }]), null, CancellationToken.None);
        sink.Batches.Single().Single().PageType.ShouldBe("other");
        sink.Batches.Single().Single().NetworkPrefix.ShouldBeNull();
    }

    [Fact]
    public async Task The_clock_limits_are_inclusive_five_minutes_ahead_and_24_hours_back()
    {
        await Accept.AcceptAsync(new ClickstreamBatchInput([Event("page-view") with { At = Now.AddMinutes(5) }, Event("page-view") with { At = Now.AddHours(-24) }]), null, CancellationToken.None);
        sink.Batches.Single().Count.ShouldBe(2);

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Accept.AcceptAsync(
            new ClickstreamBatchInput([Event("page-view") with { At = Now.AddMinutes(5).AddSeconds(1) }, Event("page-view") with { At = Now.AddHours(-24).AddSeconds(-1) }]), null, CancellationToken.None));
        failure.ShouldReport("events[0].at", "future").ShouldReport("events[1].at", "old");
    }

    [Fact]
    public async Task Every_broken_rule_is_reported_at_once_and_nothing_is_handed_on_or_counted()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Accept.AcceptAsync(new ClickstreamBatchInput(
        [
            Event("page-view"),
            Event("add-to-cart") with { ProductId = "prod_1", Sku = "SKU 1", Quantity = 1000 },
            Event("search") with { Query = new string('q', 201), VisibleMs = 3 },
        ]), null, CancellationToken.None));

        failure.ShouldReport("events[1].sku").ShouldReport("events[1].quantity").ShouldReport("events[2].query").ShouldReport("events[2].visibleMs", "only for page-time");
        failure.ShouldNotReport("events[0].type");
        sink.Batches.ShouldBeEmpty();
        guard.Taken.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_flooding_session_is_refused_with_the_wait_and_nothing_is_handed_on()
    {
        guard.Refuse = TimeSpan.FromSeconds(7);

        var refused = await Should.ThrowAsync<TooManyRequestsException>(() => Accept.AcceptAsync(new ClickstreamBatchInput([Event("page-view"), Event("page-time") with { VisibleMs = 10 }]), null, CancellationToken.None));

        refused.RetryAfter.ShouldBe(TimeSpan.FromSeconds(7));
        guard.Taken.ShouldBe([("session-0001", 2)]);
        sink.Batches.ShouldBeEmpty();
    }

    private static ClickstreamEventInput Event(string type) =>
        new("e" + Guid.NewGuid().ToString("N")[..12], type, "session-0001", Now, "/", "home");

    private sealed class RecordingSink : IClickstreamSink
    {
        public List<IReadOnlyList<ClickstreamEvent>> Batches { get; } = [];

        public Task SendAsync(IReadOnlyList<ClickstreamEvent> batch, CancellationToken ct)
        {
            Batches.Add(batch);
            return Task.CompletedTask;
        }
    }

    private sealed class CountingGuard : ISessionFloodGuard
    {
        public List<(string Session, int Events)> Taken { get; } = [];
        public TimeSpan? Refuse { get; set; }

        public TimeSpan? TryTake(string sessionId, int events)
        {
            Taken.Add((sessionId, events));
            return Refuse;
        }
    }
}
