using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

/// <summary>The webhook inbox on the Cosmos DB emulator's <c>webhook-events</c> container.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CosmosWebhookInboxTests(LocalShopFixture fixture)
{
    private static readonly WebhookInboxOptions Quick = new()
    {
        Lease = TimeSpan.FromMinutes(1),
        WaitForOtherDelivery = TimeSpan.FromSeconds(20),
        PollInterval = TimeSpan.FromMilliseconds(50),
    };

    private readonly string _eventId = "evt_" + Guid.NewGuid().ToString("N");
    private readonly ShiftableClock _clock = new();

    [Fact]
    public async Task The_first_delivery_of_an_event_runs_the_handler()
    {
        var runs = 0;

        var handled = await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None);

        handled.ShouldBeTrue();
        runs.ShouldBe(1);
    }

    [Fact]
    public async Task A_redelivered_event_is_ignored()
    {
        var runs = 0;
        await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None);

        var second = await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None);
        var third = await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None);

        second.ShouldBeFalse();
        third.ShouldBeFalse();
        runs.ShouldBe(1);
    }

    [Fact]
    public async Task The_same_event_id_from_two_sources_is_two_events()
    {
        var runs = 0;

        (await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None)).ShouldBeTrue();
        (await Inbox().HandleOnceAsync("paypal", _eventId, _ => Count(ref runs), CancellationToken.None)).ShouldBeTrue();

        runs.ShouldBe(2);
    }

    [Fact]
    public async Task An_event_delivered_three_times_at_once_is_handled_once()
    {
        var runs = 0;
        using var start = new ManualResetEventSlim();

        var deliveries = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await Inbox().HandleOnceAsync("stripe", _eventId, async _ =>
            {
                Interlocked.Increment(ref runs);
                await Task.Delay(300); // long enough for the others to find the event in progress
            }, CancellationToken.None);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(deliveries);

        runs.ShouldBe(1);
        results.Count(r => r).ShouldBe(1);
        results.Count(r => !r).ShouldBe(2);
    }

    [Fact]
    public async Task A_handler_that_fails_leaves_the_event_for_the_providers_retry()
    {
        var runs = 0;

        await Should.ThrowAsync<InvalidOperationException>(() => Inbox().HandleOnceAsync("stripe", _eventId, _ =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("The order store is down.");
        }, CancellationToken.None));
        var retry = await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None);
        var redelivery = await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None);

        retry.ShouldBeTrue();
        redelivery.ShouldBeFalse();
        runs.ShouldBe(2);
    }

    [Fact]
    public async Task A_delivery_waiting_for_one_that_fails_handles_the_event_itself()
    {
        var firstRunning = new TaskCompletionSource();
        var letFirstFail = new TaskCompletionSource();
        var secondRan = false;

        var first = Inbox().HandleOnceAsync("stripe", _eventId, async _ =>
        {
            firstRunning.SetResult();
            await letFirstFail.Task;
            throw new InvalidOperationException("The order store is down.");
        }, CancellationToken.None);
        await firstRunning.Task;
        var second = Inbox().HandleOnceAsync("stripe", _eventId, _ => { secondRan = true; return Task.CompletedTask; }, CancellationToken.None);
        await Task.Delay(300);
        second.IsCompleted.ShouldBeFalse("the second delivery waits while the first is in progress");
        letFirstFail.SetResult();

        await Should.ThrowAsync<InvalidOperationException>(() => first);
        (await second).ShouldBeTrue();
        secondRan.ShouldBeTrue();
    }

    [Fact]
    public async Task A_delivery_that_waited_too_long_for_another_answers_busy_so_the_provider_retries_later()
    {
        var firstRunning = new TaskCompletionSource();
        var letFirstFinish = new TaskCompletionSource();
        var runs = 0;
        var first = Inbox().HandleOnceAsync("stripe", _eventId, async _ =>
        {
            Interlocked.Increment(ref runs);
            firstRunning.SetResult();
            await letFirstFinish.Task;
        }, CancellationToken.None);
        await firstRunning.Task;

        var impatient = Inbox(Quick with { WaitForOtherDelivery = TimeSpan.FromMilliseconds(300) });
        await Should.ThrowAsync<BusyResourceException>(() => impatient.HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None));
        letFirstFinish.SetResult();

        (await first).ShouldBeTrue();
        (await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None)).ShouldBeFalse();
        runs.ShouldBe(1);
    }

    [Fact]
    public async Task A_delivery_whose_process_died_is_taken_over_once_its_lease_has_run_out()
    {
        var deadRunning = new TaskCompletionSource();
        var neverEnds = new TaskCompletionSource();
        var runs = 0;
        // A delivery that starts the handler and never finishes: the process running it died.
        _ = Inbox().HandleOnceAsync("stripe", _eventId, async _ =>
        {
            Interlocked.Increment(ref runs);
            deadRunning.SetResult();
            await neverEnds.Task;
        }, CancellationToken.None);
        await deadRunning.Task;

        _clock.Advance(Quick.Lease + TimeSpan.FromSeconds(1));
        var takeover = await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None);
        var later = await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None);

        takeover.ShouldBeTrue();
        later.ShouldBeFalse();
        runs.ShouldBe(2);
    }

    [Fact]
    public async Task Event_ids_with_characters_cosmos_ids_cannot_hold_are_handled_once_too()
    {
        var runs = 0;
        var awkward = $"{_eventId}/with?odd#chars\\";

        (await Inbox().HandleOnceAsync("carrier", awkward, _ => Count(ref runs), CancellationToken.None)).ShouldBeTrue();
        (await Inbox().HandleOnceAsync("carrier", awkward, _ => Count(ref runs), CancellationToken.None)).ShouldBeFalse();
        (await Inbox().HandleOnceAsync("carrier", awkward + "x", _ => Count(ref runs), CancellationToken.None)).ShouldBeTrue();

        runs.ShouldBe(2);
    }

    [Fact]
    public async Task The_shops_inbox_is_the_cosmos_one()
    {
        var inbox = fixture.Shop.Services.GetRequiredService<IWebhookInbox>();

        inbox.ShouldBeOfType<CosmosWebhookInbox>();
        var runs = 0;
        (await inbox.HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None)).ShouldBeTrue();
        (await Inbox().HandleOnceAsync("stripe", _eventId, _ => Count(ref runs), CancellationToken.None)).ShouldBeFalse();
    }

    private CosmosWebhookInbox Inbox(WebhookInboxOptions? options = null) => new(
        fixture.Shop.Services.GetRequiredService<ShopContainers>(), _clock, NullLogger<CosmosWebhookInbox>.Instance, options ?? Quick);

    private static Task Count(ref int runs)
    {
        Interlocked.Increment(ref runs);
        return Task.CompletedTask;
    }
}

/// <summary>Real time, plus whatever a test moves it on by: waits still end, and a lease can run out at once.</summary>
internal sealed class ShiftableClock : TimeProvider
{
    private long _shiftTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);
}
