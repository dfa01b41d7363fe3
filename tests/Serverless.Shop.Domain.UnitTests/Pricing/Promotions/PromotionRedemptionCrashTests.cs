using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Inventory;
using static Serverless.Shop.Domain.UnitTests.Pricing.Promotions.PromotionExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

/// <summary>
/// Exact usage counts when the process is killed between two writes of a hold, a redeem or a release, and when those
/// calls race: every counter change carries a change key that the counter applies once.
/// </summary>
public sealed class PromotionRedemptionCrashTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private const string Customer = "cust_1";
    private const string Other = "cust_other";

    /// <summary>One promotion (5 uses in total, 1 per customer) and an order of another customer that redeemed it, so no counter starts at zero.</summary>
    private sealed class Bed
    {
        public ManualClock Clock { get; } = new(Start);
        public InMemoryPromotionStore Promotions { get; } = new();
        public InMemoryPromotionUsageStore Inner { get; }
        public KillableUsageStore Store { get; }
        public PromotionRedemptions Redemptions { get; }
        public Promotion Coupon { get; }
        public int Churned { get; set; }

        public Bed(int keysPerTrim = InMemoryPromotionUsageStore.DefaultKeysPerTrim, int usageLimit = 5)
        {
            Inner = new InMemoryPromotionUsageStore(Clock, keysPerTrim);
            Store = new KillableUsageStore(Inner);
            Redemptions = new PromotionRedemptions(Promotions, Store, Clock);
            Coupon = Promotions.Add(Limited("promo_a", "SPRING20", usageLimit, perCustomerLimit: 1)).Value;
        }

        public Task HoldAsync(string orderId, string customerId = Customer) => Redemptions.HoldAsync(orderId, customerId, [Applied(Coupon)], CancellationToken.None);
        public Task RedeemAsync(string orderId) => Redemptions.RedeemAsync(orderId, [Applied(Coupon)], CancellationToken.None);
        public Task ReleaseAsync(string orderId) => Redemptions.ReleaseAsync(orderId, [Applied(Coupon)], CancellationToken.None);

        public async Task WithAnotherRedeemedOrderAsync()
        {
            await HoldAsync("order_other", Other);
            await RedeemAsync("order_other");
        }

        public (int Uses, int CustomerUses, int Redemptions) Counts() =>
            (Inner.Units(Coupon.Id, UsageCounter.Uses), Inner.Units(Coupon.Id, UsageCounter.Customer(Customer)), Inner.Units(Coupon.Id, UsageCounter.Redemptions));

        public PromotionUseState? State(string orderId) => Inner.Use(Coupon.Id, orderId)?.State;
    }

    private sealed record Scenario(Func<Bed, Task> Setup, Func<Bed, Task> Act, (int Uses, int CustomerUses, int Redemptions) Expected, PromotionUseState State);

    private static async Task RefusedAsync(Func<Task> hold)
    {
        try { await hold(); }
        catch (BusinessRuleViolationException) { /* the customer's limit: expected */ }
    }

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["hold"] = new(_ => Task.CompletedTask, b => b.HoldAsync("order_1"), (2, 1, 1), PromotionUseState.Held),
        ["hold again after a release"] = new(async b => { await b.HoldAsync("order_1"); await b.ReleaseAsync("order_1"); },
            b => b.HoldAsync("order_1"), (2, 1, 1), PromotionUseState.Held),
        ["redeem"] = new(b => b.HoldAsync("order_1"), b => b.RedeemAsync("order_1"), (2, 1, 2), PromotionUseState.Redeemed),
        ["release a held use"] = new(b => b.HoldAsync("order_1"), b => b.ReleaseAsync("order_1"), (1, 0, 1), PromotionUseState.Released),
        ["release a redeemed use"] = new(async b => { await b.HoldAsync("order_1"); await b.RedeemAsync("order_1"); },
            b => b.ReleaseAsync("order_1"), (1, 0, 1), PromotionUseState.Released),
        ["hold refused by the customer's limit"] = new(b => b.HoldAsync("order_0"),
            b => RefusedAsync(() => b.HoldAsync("order_1")), (2, 1, 1), PromotionUseState.Released),
    };

    public static TheoryData<string> Operations => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_kill_after_any_write_of_the_call_then_a_retry_of_the_same_call_leaves_exact_counts(string operation)
    {
        var scenario = Scenarios[operation];
        var writes = await SimulatedProcess.KillAfterEveryWriteAsync(
            async () =>
            {
                var bed = new Bed();
                await bed.WithAnotherRedeemedOrderAsync();
                await scenario.Setup(bed);
                return bed;
            },
            bed => bed.Store.Process, scenario.Act,
            (bed, when) =>
            {
                bed.Counts().ShouldBe(scenario.Expected, $"{operation}, {when}");
                bed.State("order_1").ShouldBe(scenario.State, $"{operation}, {when}");
                bed.State("order_other").ShouldBe(PromotionUseState.Redeemed, $"{operation}, {when}");
            });
        writes.ShouldBeGreaterThan(2, "the call writes more than once");
    }

    [Fact]
    public async Task Two_releases_of_one_order_at_once_give_back_once()
    {
        var bed = new Bed();
        await bed.WithAnotherRedeemedOrderAsync();
        await bed.HoldAsync("order_1");
        bed.Inner.HoldRecordReadsUntil(2); // both read the held record before either writes

        await Task.WhenAll(Task.Run(() => bed.ReleaseAsync("order_1")), Task.Run(() => bed.ReleaseAsync("order_1")));

        bed.Counts().ShouldBe((1, 0, 1));
        bed.State("order_1").ShouldBe(PromotionUseState.Released);
    }

    [Fact]
    public async Task A_release_that_runs_between_the_redeemed_record_and_its_count_gives_back_exactly_once()
    {
        var bed = new Bed();
        await bed.HoldAsync("order_other", Other); // no redemption counted yet: a unit given back too early would be refused at zero
        await bed.HoldAsync("order_1");
        var release = new PromotionRedemptions(bed.Promotions, bed.Inner, bed.Clock);
        bed.Store.AfterSave = use => use.State == PromotionUseState.Redeemed
            ? release.ReleaseAsync("order_1", [Applied(bed.Coupon)], CancellationToken.None)
            : Task.CompletedTask;

        await bed.RedeemAsync("order_1"); // counts the redemption after the release gave it back

        bed.Counts().ShouldBe((1, 0, 0));
        bed.State("order_1").ShouldBe(PromotionUseState.Released);
    }

    [Fact]
    public async Task A_release_and_a_redeem_reading_the_held_record_at_once_leave_exact_counts_whichever_wins()
    {
        var bed = new Bed();
        await bed.HoldAsync("order_other", Other); // no redemption counted yet: a unit given back too early would be refused at zero
        await bed.HoldAsync("order_1");
        bed.Inner.HoldRecordReadsUntil(2);

        await Task.WhenAll(Task.Run(() => bed.RedeemAsync("order_1")), Task.Run(() => bed.ReleaseAsync("order_1")));

        bed.Counts().ShouldBe((1, 0, 0));
        bed.State("order_1").ShouldBe(PromotionUseState.Released);
    }

    [Fact]
    public async Task Holding_releasing_and_holding_one_order_again_counts_one_use()
    {
        var bed = new Bed();

        await bed.HoldAsync("order_1");
        await bed.ReleaseAsync("order_1");
        await bed.HoldAsync("order_1");
        await bed.HoldAsync("order_1");

        bed.Counts().ShouldBe((1, 1, 0));
        bed.State("order_1").ShouldBe(PromotionUseState.Held);
    }

    [Fact]
    public async Task A_hold_refused_by_the_customers_limit_and_retried_once_the_limit_frees_counts_the_total_once()
    {
        var bed = new Bed();
        await bed.HoldAsync("order_0");
        await Should.ThrowAsync<BusinessRuleViolationException>(() => bed.HoldAsync("order_1")); // took a unit of the total, gave it back
        await bed.ReleaseAsync("order_0");

        await bed.HoldAsync("order_1"); // the same call again: it must take the total's unit anew, not find it "already taken"

        bed.Counts().ShouldBe((1, 1, 0));
    }

    [Fact]
    public async Task A_release_long_after_the_hold_gives_back_although_the_journal_was_trimmed_since_the_hold()
    {
        var bed = new Bed(keysPerTrim: 10, usageLimit: 1000);
        await bed.HoldAsync("order_1");
        await ChurnAsync(bed, changes: 40);

        await bed.ReleaseAsync("order_1");

        bed.Counts().ShouldBe((40, 0, 0));
        bed.Inner.Journal(bed.Coupon.Id, UsageCounter.Uses).Keys.ShouldBeLessThanOrEqualTo(2 * 10 + 1);
    }

    [Fact]
    public async Task A_crashed_release_is_repaired_by_the_next_release_although_the_journal_was_trimmed_once_since()
    {
        var bed = new Bed(keysPerTrim: 10, usageLimit: 1000);
        await ChurnAsync(bed, changes: 25); // trimmed twice before the order even holds
        await bed.HoldAsync("order_1");
        await ReleaseKilledAfterTheRecordAsync(bed);
        await ChurnAsync(bed, changes: 11, step: TimeSpan.FromMinutes(1)); // trimmed once more, after the release

        await bed.ReleaseAsync("order_1");

        bed.Counts().Uses.ShouldBe(25 + 11);
    }

    [Fact]
    public async Task A_crashed_release_repeated_after_the_journal_forgot_its_instant_gives_back_nothing_the_safe_direction()
    {
        var bed = new Bed(keysPerTrim: 10, usageLimit: 1000);
        await bed.HoldAsync("order_1");
        await ReleaseKilledAfterTheRecordAsync(bed);
        await ChurnAsync(bed, changes: 25, step: TimeSpan.FromMinutes(1)); // two trims: the journal starts after the release
        bed.Inner.Journal(bed.Coupon.Id, UsageCounter.Uses).Since.ShouldBeGreaterThan(bed.Inner.Use(bed.Coupon.Id, "order_1")!.ChangedAt);

        await bed.ReleaseAsync("order_1");

        bed.Counts().Uses.ShouldBe(26, "the released order's unit stays taken: one use fewer available, never one too many");
        bed.State("order_1").ShouldBe(PromotionUseState.Released);
    }

    private static async Task ReleaseKilledAfterTheRecordAsync(Bed bed)
    {
        bed.Store.Process.KillAfter(1);
        await Should.ThrowAsync<ProcessKilledException>(() => bed.ReleaseAsync("order_1"));
        bed.Store.Process.Restart();
        bed.State("order_1").ShouldBe(PromotionUseState.Released);
        bed.Counts().CustomerUses.ShouldBe(1, "killed before giving anything back");
    }

    /// <summary>Other customers' holds, each one change of the total, the clock moving on between them.</summary>
    private static async Task ChurnAsync(Bed bed, int changes, TimeSpan? step = null)
    {
        for (var i = 0; i < changes; i++)
        {
            bed.Clock.Advance(step ?? TimeSpan.FromHours(1));
            var n = ++bed.Churned;
            await bed.HoldAsync($"order_churn{n}", $"cust_churn{n}");
        }
    }
}

/// <summary>
/// A usage store in a process that can be killed: after the chosen write (a counter change or a record save, whether or
/// not it changed anything) has reached the store, the call throws <see cref="ProcessKilledException"/> and so does every
/// later call, until <see cref="SimulatedProcess.Restart"/> brings up a new process on the same data. <see cref="AfterSave"/> runs after
/// each record save reached the store, to let another caller in at that exact point.
/// </summary>
internal sealed class KillableUsageStore(IPromotionUsageStore inner) : IPromotionUsageStore
{
    public SimulatedProcess Process { get; } = new();

    public Func<PromotionUse, Task>? AfterSave { get; set; }

    public Task<CounterChange> TryIncrementAsync(string promotionId, UsageCounter counter, int? limit, string changeKey, DateTimeOffset? coveredFrom, CancellationToken ct) =>
        Process.WriteAsync(() => inner.TryIncrementAsync(promotionId, counter, limit, changeKey, coveredFrom, ct));

    public Task<bool> DecrementAsync(string promotionId, UsageCounter counter, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct) =>
        Process.WriteAsync(() => inner.DecrementAsync(promotionId, counter, changeKey, coveredFrom, ct));

    public Task<(int Uses, int Redemptions)> GetCountsAsync(string promotionId, CancellationToken ct) => Process.ReadAsync(() => inner.GetCountsAsync(promotionId, ct));

    public Task<Versioned<PromotionUse>?> FindUseAsync(string promotionId, string orderId, CancellationToken ct) => Process.ReadAsync(() => inner.FindUseAsync(promotionId, orderId, ct));

    public async Task<string> SaveUseAsync(PromotionUse use, string? expectedVersion, CancellationToken ct)
    {
        var version = await Process.WriteAsync(() => inner.SaveUseAsync(use, expectedVersion, ct));
        if (AfterSave is { } after) await after(use);
        return version;
    }
}
