using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Pricing;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>
/// Change keys and the counters' journals on the Cosmos DB emulator: every filter predicate the store uses
/// (<c>NOT ARRAY_CONTAINS</c>, the limit, <c>c.appliedSince &lt;= '...'</c> compared as text), the journal kept
/// bounded by trimming, and a release or hold cut short between the record and the counters made exact by a retry.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PromotionRedemptionJournalTests(LocalShopFixture fixture)
{
    private readonly ShopContainers _containers = fixture.Shop.Services.GetRequiredService<ShopContainers>();
    private readonly IPromotionStore _promotions = fixture.Shop.Services.GetRequiredService<IPromotionStore>();
    private readonly IPromotionRedemptions _redemptions = fixture.Shop.Services.GetRequiredService<IPromotionRedemptions>();
    private readonly ManagePromotions _manage = fixture.Shop.Services.GetRequiredService<ManagePromotions>();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private CosmosPromotionUsageStore Store { get; } = new(fixture.Shop.Services.GetRequiredService<ShopContainers>(), TimeProvider.System);

    private static string Key(int i, string kind = ChangeKeys.Take) => ChangeKeys.For(kind, $"order_{i}", null);

    private async Task<JsonElement> CounterAsync(string promotionId, UsageCounter counter) =>
        (await _containers.CouponUsage.ReadItemAsync<JsonElement>(CosmosPromotionUsageStore.CounterId(counter), new PartitionKey(CosmosPromotionUsageStore.PartitionFor(promotionId)))).Resource;

    private static List<string> Applied(JsonElement counter) => counter.GetProperty("applied").EnumerateArray().Select(k => k.GetString()!).ToList();

    [Fact]
    public async Task A_take_or_give_back_repeated_with_the_same_key_changes_nothing()
    {
        var promotionId = Ids.New("promo");

        (await Store.TryIncrementAsync(promotionId, UsageCounter.Uses, 2, Key(1), null, Ct)).ShouldBe(CounterChange.Applied); // creates the counter
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Uses, 2, Key(1), null, Ct)).ShouldBe(CounterChange.AlreadyApplied);
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Uses, 2, Key(2), null, Ct)).ShouldBe(CounterChange.Applied); // patched
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Uses, 2, Key(2), null, Ct)).ShouldBe(CounterChange.AlreadyApplied);
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Uses, 2, Key(3), null, Ct)).ShouldBe(CounterChange.LimitReached);

        var since = DateTimeOffset.UtcNow;
        (await Store.DecrementAsync(promotionId, UsageCounter.Uses, Key(1, ChangeKeys.Release), since, Ct)).ShouldBeTrue();
        (await Store.DecrementAsync(promotionId, UsageCounter.Uses, Key(1, ChangeKeys.Release), since, Ct)).ShouldBeFalse();
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Uses, 2, Key(1), null, Ct)).ShouldBe(CounterChange.AlreadyApplied);

        var counter = await CounterAsync(promotionId, UsageCounter.Uses);
        counter.GetProperty("units").GetInt32().ShouldBe(1);
        Applied(counter).ShouldBe([Key(1), Key(2), Key(1, ChangeKeys.Release)]);
        counter.GetProperty("appliedSince").GetString().ShouldBe("0001-01-01T00:00:00.0000000+00:00", "a new counter has no history");
        (await Store.DecrementAsync(promotionId, UsageCounter.Redemptions, Key(1, ChangeKeys.Release), since, Ct)).ShouldBeFalse("never counted");
    }

    [Fact]
    public async Task A_give_back_or_a_repeated_count_is_made_only_when_the_journal_reaches_back_to_its_instant()
    {
        var promotionId = Ids.New("promo");
        await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(1), null, Ct);
        await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(2), null, Ct);
        var journalStart = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        await _containers.CouponUsage.PatchItemAsync<JsonElement>(CosmosPromotionUsageStore.CounterId(UsageCounter.Redemptions),
            new PartitionKey(CosmosPromotionUsageStore.PartitionFor(promotionId)), [PatchOperation.Set("/appliedSince", CosmosPromotionUsageStore.Stamp(journalStart))]);

        (await Store.DecrementAsync(promotionId, UsageCounter.Redemptions, Key(1, ChangeKeys.Release), journalStart.AddTicks(-1), Ct)).ShouldBeFalse();
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(3), journalStart.AddDays(-1), Ct)).ShouldBe(CounterChange.NotCovered);
        (await CounterAsync(promotionId, UsageCounter.Redemptions)).GetProperty("units").GetInt32().ShouldBe(2);

        (await Store.DecrementAsync(promotionId, UsageCounter.Redemptions, Key(1, ChangeKeys.Release), journalStart, Ct)).ShouldBeTrue();
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(3), journalStart.AddHours(1), Ct)).ShouldBe(CounterChange.Applied);
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(3), journalStart.AddHours(1), Ct)).ShouldBe(CounterChange.AlreadyApplied);
        (await CounterAsync(promotionId, UsageCounter.Redemptions)).GetProperty("units").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task A_counter_written_before_change_keys_gets_a_journal_at_its_next_take_or_give_back()
    {
        var promotionId = Ids.New("promo");
        var partition = CosmosPromotionUsageStore.PartitionFor(promotionId);
        foreach (var id in new[] { "uses", "redemptions" })
            await _containers.CouponUsage.CreateItemAsync(new { id, code = partition, type = "counter", promotionId, units = 3 }, new PartitionKey(partition));

        (await Store.DecrementAsync(promotionId, UsageCounter.Uses, Key(9, ChangeKeys.Release), DateTimeOffset.UtcNow, Ct)).ShouldBeTrue();
        (await Store.DecrementAsync(promotionId, UsageCounter.Uses, Key(9, ChangeKeys.Release), DateTimeOffset.UtcNow, Ct)).ShouldBeFalse();
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(1), null, Ct)).ShouldBe(CounterChange.Applied);
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(1), null, Ct)).ShouldBe(CounterChange.AlreadyApplied);

        var uses = await CounterAsync(promotionId, UsageCounter.Uses);
        uses.GetProperty("units").GetInt32().ShouldBe(2);
        Applied(uses).ShouldBe([Key(9, ChangeKeys.Release)]);
        uses.GetProperty("appliedSince").GetString().ShouldBe("0001-01-01T00:00:00.0000000+00:00", "it never saw a keyed change");
        var redemptions = await CounterAsync(promotionId, UsageCounter.Redemptions);
        redemptions.GetProperty("units").GetInt32().ShouldBe(4);
        Applied(redemptions).ShouldBe([Key(1)]);
    }

    [Fact]
    public async Task Trimming_keeps_the_journal_bounded_and_complete_from_the_trim_before_last()
    {
        var promotionId = Ids.New("promo");
        var started = DateTimeOffset.UtcNow;
        const int changes = 2 * CosmosPromotionUsageStore.KeysPerTrim + 50;

        for (var i = 0; i < changes; i++)
            (await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(i), null, Ct)).ShouldBe(CounterChange.Applied);

        var counter = await CounterAsync(promotionId, UsageCounter.Redemptions);
        counter.GetProperty("units").GetInt32().ShouldBe(changes);
        var applied = Applied(counter);
        applied.Count.ShouldBeInRange(CosmosPromotionUsageStore.KeysPerTrim, 2 * CosmosPromotionUsageStore.KeysPerTrim + 1);
        applied[^1].ShouldBe(Key(changes - 1));
        applied.ShouldBe(Enumerable.Range(changes - applied.Count, applied.Count).Select(i => Key(i)).ToList(), "the newest keys, in order");
        var since = DateTimeOffset.Parse(counter.GetProperty("appliedSince").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        since.ShouldBeGreaterThanOrEqualTo(started.AddSeconds(-5), "two trims: the journal starts at the first one");
        counter.GetRawText().Length.ShouldBeLessThan(16_000);

        // The newest key is still recognised; a give-back from before the journal's start is refused, one after it made.
        (await Store.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, Key(changes - 1), null, Ct)).ShouldBe(CounterChange.AlreadyApplied);
        (await Store.DecrementAsync(promotionId, UsageCounter.Redemptions, Key(1, ChangeKeys.Release), started.AddMinutes(-1), Ct)).ShouldBeFalse();
        (await Store.DecrementAsync(promotionId, UsageCounter.Redemptions, Key(1, ChangeKeys.Release), DateTimeOffset.UtcNow, Ct)).ShouldBeTrue();
    }

    private async Task<AppliedPromotion> CouponAsync(int usageLimit, int perCustomerLimit)
    {
        var input = new PromotionInput
        {
            Name = "Journal", Kind = PromotionKind.PercentOff, Percent = 10, Code = Http.PromotionApiTests.UniqueCode("J"),
            UsageLimit = usageLimit, PerCustomerLimit = perCustomerLimit,
        };
        var promotion = (await _manage.CreateAsync(input, Ct)).Value;
        return new AppliedPromotion(promotion.Id, promotion.Name, promotion.Code, new Money(1, "EUR"));
    }

    private async Task<(int Uses, int Customer)> CountsAsync(AppliedPromotion coupon, string customerId)
    {
        var uses = await CounterAsync(coupon.PromotionId, UsageCounter.Uses);
        var customer = await CounterAsync(coupon.PromotionId, UsageCounter.Customer(customerId));
        return (uses.GetProperty("units").GetInt32(), customer.GetProperty("units").GetInt32());
    }

    [Fact]
    public async Task A_release_cut_short_between_the_record_and_the_counters_is_repaired_by_the_next_release()
    {
        var coupon = await CouponAsync(usageLimit: 2, perCustomerLimit: 1);
        var order = Ids.New("order");
        await _redemptions.HoldAsync(order, "cust_1", [coupon], Ct);
        await _redemptions.HoldAsync(Ids.New("order"), "cust_2", [coupon], Ct);
        var forgetful = new PromotionRedemptions(_promotions, new ForgetfulUsageStore(Store), TimeProvider.System);

        await forgetful.ReleaseAsync(order, [coupon], Ct); // the record says released; the counters were not told
        (await CountsAsync(coupon, "cust_1")).ShouldBe((2, 1));

        await _redemptions.ReleaseAsync(order, [coupon], Ct);
        await _redemptions.ReleaseAsync(order, [coupon], Ct);

        (await CountsAsync(coupon, "cust_1")).ShouldBe((1, 0));
        await _redemptions.HoldAsync(Ids.New("order"), "cust_1", [coupon], Ct); // the customer's one use is free again
    }

    [Fact]
    public async Task A_hold_cut_short_between_the_counters_and_the_record_counts_once_when_retried()
    {
        var coupon = await CouponAsync(usageLimit: 2, perCustomerLimit: 1);
        var order = Ids.New("order");
        var failing = new PromotionRedemptions(_promotions, new ForgetfulUsageStore(Store) { FailSaves = true }, TimeProvider.System);
        await Should.ThrowAsync<TimeoutException>(() => failing.HoldAsync(order, "cust_1", [coupon], Ct));
        (await CountsAsync(coupon, "cust_1")).ShouldBe((1, 1));

        await _redemptions.HoldAsync(order, "cust_1", [coupon], Ct);

        (await CountsAsync(coupon, "cust_1")).ShouldBe((1, 1));
        (await _manage.GetUsageAsync(coupon.PromotionId, Ct)).Held.ShouldBe(1);
    }

    /// <summary>The real store, except that give-backs are dropped (a process killed after writing the record) or record writes time out.</summary>
    private sealed class ForgetfulUsageStore(IPromotionUsageStore inner) : IPromotionUsageStore
    {
        public bool FailSaves { get; init; }

        public Task<CounterChange> TryIncrementAsync(string promotionId, UsageCounter counter, int? limit, string changeKey, DateTimeOffset? coveredFrom, CancellationToken ct) =>
            inner.TryIncrementAsync(promotionId, counter, limit, changeKey, coveredFrom, ct);

        public Task<bool> DecrementAsync(string promotionId, UsageCounter counter, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct) =>
            FailSaves ? inner.DecrementAsync(promotionId, counter, changeKey, coveredFrom, ct) : Task.FromResult(false);

        public Task<(int Uses, int Redemptions)> GetCountsAsync(string promotionId, CancellationToken ct) => inner.GetCountsAsync(promotionId, ct);

        public Task<Versioned<PromotionUse>?> FindUseAsync(string promotionId, string orderId, CancellationToken ct) => inner.FindUseAsync(promotionId, orderId, ct);

        public Task<string> SaveUseAsync(PromotionUse use, string? expectedVersion, CancellationToken ct) =>
            FailSaves ? throw new TimeoutException("the store did not answer") : inner.SaveUseAsync(use, expectedVersion, ct);
    }
}
