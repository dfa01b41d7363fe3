using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Domain.UnitTests.Orders;
using static Serverless.Shop.Domain.UnitTests.Analytics.Behaviour.Clicks;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Behaviour;

public sealed class ProcessClickstreamTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(Day.UtcDateTime);
    private readonly ListArchive _archive = new();
    private readonly InMemoryBehaviourStore _store = new();
    private readonly ManualClock _clock = new(Day.AddHours(1));

    private ProcessClickstream Processor => new(_archive, _store, _clock);
    private BehaviourReports Reports => new(_store, _clock);

    private async Task<SessionsView> SessionsTodayAsync() => await Reports.SessionsAsync(new DayRange(Today, Today.AddDays(1)), CancellationToken.None);

    [Fact]
    public async Task A_session_split_over_files_in_any_order_is_one_session()
    {
        _archive.Write(Day.AddMinutes(6), Page("s1", 5, "cart", "/cart"));
        _archive.Write(Day.AddMinutes(7), Page("s1", 0, "home", "/"), Page("s2", 1, "home", "/"));

        var run = await Processor.RunAsync(CancellationToken.None);

        run.ShouldBe(new ClickstreamRun(Files: 2, Events: 3, Added: 3, Late: 0, DaysFolded: ProcessClickstream.LateDays));
        var sessions = await SessionsTodayAsync();
        sessions.Sessions.ShouldBe(2);
        sessions.Bounces.ShouldBe(1);
        (await Reports.PathsAsync(new DayRange(Today, Today.AddDays(1)), null, CancellationToken.None)).Paths.ShouldBe([new PagePath("home", "cart", 1)]);
    }

    [Fact]
    public async Task The_same_events_in_a_second_file_are_counted_once()
    {
        var view = Page("s1", 0, "product", "/p/a", "prod_a");
        var cart = Event("s1", 1, ClickstreamEventType.AddToCart, "product", "/p/a", "prod_a");
        _archive.Write(Day.AddMinutes(2), view, cart);
        _archive.Write(Day.AddMinutes(3), view, cart);

        var run = await Processor.RunAsync(CancellationToken.None);

        run.Events.ShouldBe(4);
        run.Added.ShouldBe(2);
        (await Reports.FunnelAsync(Today, Today.AddDays(1), "prod_a", CancellationToken.None)).ShouldBe(new FunnelCounts(1, 1, 0, 0));
    }

    [Fact]
    public async Task A_run_killed_between_its_writes_and_its_checkpoint_counts_nothing_twice_when_run_again()
    {
        _archive.Write(Day.AddMinutes(2), Page("s1", 0, "home", "/"), Page("s1", 1, "product", "/p/a", "prod_a"));
        _store.FailNextCheckpoint = true;

        await Should.ThrowAsync<OperationCanceledException>(() => Processor.RunAsync(CancellationToken.None));
        var again = await Processor.RunAsync(CancellationToken.None);

        again.Files.ShouldBe(1, "the file is read again: the checkpoint never moved past it");
        again.Added.ShouldBe(0);
        var sessions = await SessionsTodayAsync();
        sessions.Sessions.ShouldBe(1);
        sessions.PageViews.ShouldBe(2);
    }

    [Fact]
    public async Task A_file_is_not_read_again_once_the_checkpoint_passed_it()
    {
        _archive.Write(Day.AddMinutes(2), Page("s1", 0, "home", "/"));
        await Processor.RunAsync(CancellationToken.None);
        _archive.Write(Day.AddMinutes(3), Page("s2", 0, "home", "/"));

        var run = await Processor.RunAsync(CancellationToken.None);

        run.Files.ShouldBe(1);
        _archive.Reads.ShouldBe(2);
        (await SessionsTodayAsync()).Sessions.ShouldBe(2);
    }

    [Fact]
    public async Task A_file_that_shows_up_late_with_an_earlier_write_time_is_still_read()
    {
        _archive.Write(Day.AddMinutes(10), Page("s1", 9, "home", "/"));
        await Processor.RunAsync(CancellationToken.None);
        _archive.Write(Day.AddMinutes(8), Page("s2", 7, "home", "/"));

        var run = await Processor.RunAsync(CancellationToken.None);

        run.Files.ShouldBe(1);
        (await SessionsTodayAsync()).Sessions.ShouldBe(2);
    }

    [Fact]
    public async Task A_day_is_folded_once_it_has_closed_and_folded_again_when_late_events_change_it()
    {
        _archive.Write(Day.AddMinutes(2), Page("s1", 0, "home", "/"));
        await Processor.RunAsync(CancellationToken.None);

        _clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromHours(1) + ProcessClickstream.DayClosesAfter);
        (await Processor.RunAsync(CancellationToken.None)).DaysFolded.ShouldBe(1, "yesterday closed");
        (await _store.ReadDaysAsync(Today, Today.AddDays(1), CancellationToken.None)).Single().Sessions.ShouldBe(1);

        _archive.Write(_clock.GetUtcNow(), Page("s2", 600, "home", "/"));
        var late = await Processor.RunAsync(CancellationToken.None);

        late.DaysFolded.ShouldBe(1);
        (await _store.ReadDaysAsync(Today, Today.AddDays(1), CancellationToken.None)).Single().Sessions.ShouldBe(2);
        (await Processor.RunAsync(CancellationToken.None)).DaysFolded.ShouldBe(0, "nothing changed since");
    }

    [Fact]
    public async Task Events_older_than_the_late_window_are_left_out()
    {
        _archive.Write(Day.AddMinutes(2), Event("old", 0, ClickstreamEventType.PageView, "home", "/", start: Day.AddDays(-ProcessClickstream.LateDays - 1)));

        var run = await Processor.RunAsync(CancellationToken.None);

        run.Late.ShouldBe(1);
        run.Added.ShouldBe(0);
    }

    [Fact]
    public async Task Purchases_come_from_paid_orders_once_each()
    {
        await _store.CountPurchaseAsync(Today, "SS-1", ["prod_a", "prod_b"], CancellationToken.None);
        await _store.CountPurchaseAsync(Today, "SS-1", ["prod_a", "prod_b"], CancellationToken.None);
        await _store.CountPurchaseAsync(Today, "SS-2", ["prod_a"], CancellationToken.None);

        (await Reports.FunnelAsync(Today, Today.AddDays(1), null, CancellationToken.None)).Purchased.ShouldBe(2);
        (await Reports.FunnelAsync(Today, Today.AddDays(1), "prod_b", CancellationToken.None)).Purchased.ShouldBe(1);
    }
}
