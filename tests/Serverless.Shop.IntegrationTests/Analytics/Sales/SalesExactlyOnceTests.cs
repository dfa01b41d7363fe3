using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;
using static Serverless.Shop.IntegrationTests.Analytics.Sales.SalesTestOrders;

namespace Serverless.Shop.IntegrationTests.Analytics.Sales;

/// <summary>
/// Exactly once, on the Cosmos DB emulator: an order change delivered twice, a refund's entry before its sale's, and a
/// process killed between writing a delta down and applying it to every bucket all leave the figures equal to the
/// order. Each test has customers of its own, read back through GET /api/analytics/sales?groupBy=customer.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class SalesExactlyOnceTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly CountOrderSales _counting = fixture.Shop.Services.GetRequiredService<CountOrderSales>();
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);
    private static readonly DateTimeOffset PaidAt = Hour(DateTimeOffset.UtcNow.AddDays(-3)).AddMinutes(17);

    private async Task<JsonElement> CustomerRowAsync(string customerId, DateTimeOffset from, DateTimeOffset to)
    {
        var response = await _marketer.GetAsync($"api/analytics/sales?groupBy=customer&from={Iso(from)}&to={Iso(to)}&currency=EUR");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return RowsByKey(body).TryGetValue(customerId, out var row) ? row : default;
    }

    private static void ShouldCount(JsonElement row, long net, long orders, long refunds)
    {
        row.ValueKind.ShouldBe(JsonValueKind.Object, "the customer has a row");
        row.GetProperty("net").GetInt64().ShouldBe(net);
        row.GetProperty("orders").GetInt64().ShouldBe(orders);
        row.GetProperty("refunds").GetInt64().ShouldBe(refunds);
    }

    [Fact]
    public async Task The_same_entry_delivered_twice_counts_once()
    {
        var customer = NewId("cust");
        var order = Paid(customer, [Line(NewId("prod"), 2, 12.50m, discount: 1m, taxRate: 0.21m)], shipping: 4.95m, PaidAt);

        await _counting.ReactAsync(order, order.History[^1], Ct);
        await _counting.ReactAsync(order, order.History[^1], Ct);

        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt), Hour(PaidAt).AddHours(1)), Cents(order.Pricing.Total.Amount), 1, 0);
    }

    [Fact]
    public async Task A_refund_delivered_before_its_sale_counts_both_once_and_the_late_sale_entry_changes_nothing()
    {
        var customer = NewId("cust");
        var paid = Paid(customer, [Line(NewId("prod"), 1, 40m)], shipping: 0m, PaidAt);
        var refunded = Refunded(paid, 15m, PaidAt.AddHours(5));
        var range = (From: Hour(PaidAt), To: Hour(PaidAt).AddDays(1));

        await _counting.ReactAsync(refunded, refunded.History[^1], Ct);
        ShouldCount(await CustomerRowAsync(customer, range.From, range.To), 4000 - 1500, 1, 1500);

        await _counting.ReactAsync(paid, paid.History[^1], Ct);
        await _counting.ReactAsync(Placed(paid), paid.History[0], Ct);
        ShouldCount(await CustomerRowAsync(customer, range.From, range.To), 4000 - 1500, 1, 1500);
        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt).AddHours(5), range.To), -1500, 0, 1500);
    }

    [Fact]
    public async Task An_order_never_paid_has_no_row()
    {
        var customer = NewId("cust");
        var paid = Paid(customer, [Line(NewId("prod"), 1, 40m)], shipping: 0m, PaidAt);
        await _counting.ReactAsync(Placed(paid), paid.History[0], Ct);

        (await CustomerRowAsync(customer, Hour(PaidAt).AddDays(-1), Hour(PaidAt).AddDays(1))).ValueKind.ShouldBe(JsonValueKind.Undefined);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(21)]
    public async Task A_process_killed_after_some_bucket_patches_is_finished_by_the_next_delivery_and_counts_once(int patchesBeforeCrash)
    {
        var customer = NewId("cust");
        var order = Paid(customer, [Line(NewId("prod"), 3, 9.99m, taxRate: 0.09m), Line(NewId("prod"), 1, 5m)], shipping: 3m, PaidAt);
        // A dead process's message comes back when its lease ends (30 s locally, minutes in Azure): by then its delta is
        // no longer taken to be in progress (CountOrderSales.InProgressFor).
        var dying = Counting(new CrashingBuckets(fixture.Shop.Services.GetRequiredService<ISalesBuckets>(), patchesBeforeCrash),
            new FixedClock(DateTimeOffset.UtcNow - CountOrderSales.InProgressFor - TimeSpan.FromSeconds(1)));

        await Should.ThrowAsync<SimulatedCrash>(() => dying.ReactAsync(order, order.History[^1], Ct));
        var left = await fixture.Shop.Services.GetRequiredService<ISalesContributions>().FindAsync(order.Number, Ct);
        left.ShouldNotBeNull().Value.Pending.ShouldNotBeNull("the delta is written down before any bucket is patched");

        await _counting.ReactAsync(order, order.History[^1], Ct);
        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt), Hour(PaidAt).AddHours(1)), Cents(order.Pricing.Total.Amount), 1, 0);
        (await fixture.Shop.Services.GetRequiredService<ISalesContributions>().FindAsync(order.Number, Ct))!.Value.Pending.ShouldBeNull();
    }

    [Fact]
    public async Task A_delta_a_dead_process_left_is_finished_by_the_compaction_once_it_is_older_than_the_grace()
    {
        var customer = NewId("cust");
        var order = Paid(customer, [Line(NewId("prod"), 2, 20m)], shipping: 0m, PaidAt);
        var services = fixture.Shop.Services;
        var longAgo = new FixedClock(DateTimeOffset.UtcNow - CompactSalesRollups.PendingGrace - TimeSpan.FromMinutes(1));
        await Should.ThrowAsync<SimulatedCrash>(() => Counting(new CrashingBuckets(services.GetRequiredService<ISalesBuckets>(), 2), longAgo).ReactAsync(order, order.History[^1], Ct));

        var result = await services.GetRequiredService<CompactSalesRollups>().RunAsync(Ct);

        result.PendingFinished.ShouldBeGreaterThanOrEqualTo(1);
        (await services.GetRequiredService<ISalesContributions>().FindAsync(order.Number, Ct))!.Value.Pending.ShouldBeNull();
        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt), Hour(PaidAt).AddHours(1)), 4000, 1, 0);
        // And a redelivery after it adds nothing.
        await _counting.ReactAsync(order, order.History[^1], Ct);
        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt), Hour(PaidAt).AddHours(1)), 4000, 1, 0);
    }

    [Fact]
    public async Task Changes_of_one_order_counted_at_once_by_several_copies_count_once()
    {
        var customer = NewId("cust");
        var paid = Paid(customer, [Line(NewId("prod"), 1, 60m)], shipping: 5m, PaidAt);
        var refunded = Refunded(paid, 20m, PaidAt.AddMinutes(30));
        var twice = Refunded(refunded, 10m, PaidAt.AddMinutes(40));

        await Task.WhenAll(
            _counting.ReactAsync(paid, paid.History[^1], Ct), _counting.ReactAsync(twice, twice.History[^1], Ct),
            _counting.ReactAsync(refunded, refunded.History[^1], Ct), _counting.ReactAsync(paid, paid.History[^1], Ct));

        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt), Hour(PaidAt).AddHours(1)), Cents(paid.Pricing.Total.Amount) - 3000, 1, 3000);
    }

    [Fact]
    public async Task Copies_of_one_change_delivered_together_patch_each_bucket_once()
    {
        var buckets = fixture.Shop.Services.GetRequiredService<ISalesBuckets>();
        Order PaidOrder(string customer) => Paid(customer, [Line(NewId("prod"), 2, 15m, taxRate: 0.21m), Line(NewId("prod"), 1, 7m)], shipping: 4m, PaidAt);
        var alone = new CountingBuckets(buckets);
        var single = PaidOrder(NewId("cust"));
        await Counting(alone).ReactAsync(single, single.History[^1], Ct);

        var together = new CountingBuckets(buckets);
        var customer = NewId("cust");
        var order = PaidOrder(customer);
        // One instant for all three, so that the delta the first writes down is as young as can be whatever the load.
        var counting = Counting(together, new FixedClock(DateTimeOffset.UtcNow));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => counting.ReactAsync(order, order.History[^1], Ct)));

        together.Patches.ShouldBe(alone.Patches, "the copies that found the delta pending left it to the one that wrote it");
        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt), Hour(PaidAt).AddHours(1)), Cents(order.Pricing.Total.Amount), 1, 0);
    }

    [Fact]
    public async Task A_copy_for_a_later_change_waits_for_the_writer_of_an_earlier_one_instead_of_repeating_its_patches()
    {
        var buckets = fixture.Shop.Services.GetRequiredService<ISalesBuckets>();
        var customer = NewId("cust");
        var paid = Paid(customer, [Line(NewId("prod"), 2, 15m, taxRate: 0.21m), Line(NewId("prod"), 1, 7m)], shipping: 4m, PaidAt);
        // A later entry that changes no figure, as ShipmentCreated does: the copy that reads it has nothing of its own to add.
        var shipped = paid with { History = [.. paid.History, new OrderHistoryEntry(3, PaidAt.AddMinutes(1), OrderChange.ShipmentCreated, OrderStatus.Paid, "system:checkout")] };
        // The paid state's writer patches slowly (a loaded machine), so the shipped state's copy meets its delta half done.
        var writer = new CountingBuckets(buckets, eachPatch: TimeSpan.FromMilliseconds(10));
        var copy = new CountingBuckets(buckets);

        var writing = Counting(writer).ReactAsync(paid, paid.History[^1], Ct);
        await Until(() => writer.Patches > 0);
        await Counting(copy).ReactAsync(shipped, shipped.History[^1], Ct);
        await writing;

        copy.Patches.ShouldBe(0, "the copy waited for the writer instead of repeating its patches");
        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt), Hour(PaidAt).AddHours(1)), Cents(paid.Pricing.Total.Amount), 1, 0);
        var record = await fixture.Shop.Services.GetRequiredService<ISalesContributions>().FindAsync(paid.Number, Ct);
        record!.Value.Sequence.ShouldBe(3, "the record moved on to the shipped state");
        record.Value.Pending.ShouldBeNull();
    }

    [Fact]
    public async Task A_copy_for_a_later_change_finishes_a_young_delta_itself_once_its_writer_has_not_for_the_whole_wait()
    {
        var buckets = fixture.Shop.Services.GetRequiredService<ISalesBuckets>();
        var customer = NewId("cust");
        var paid = Paid(customer, [Line(NewId("prod"), 1, 30m)], shipping: 0m, PaidAt);
        var shipped = paid with { History = [.. paid.History, new OrderHistoryEntry(3, PaidAt.AddMinutes(1), OrderChange.ShipmentCreated, OrderStatus.Paid, "system:checkout")] };
        // The writer dies after two patches, its delta just written: young, so taken to be in its hands.
        await Should.ThrowAsync<SimulatedCrash>(() => Counting(new CrashingBuckets(buckets, 2)).ReactAsync(paid, paid.History[^1], Ct));
        var waiting = Stopwatch.StartNew();

        await _counting.ReactAsync(shipped, shipped.History[^1], Ct);

        waiting.Elapsed.ShouldBeGreaterThanOrEqualTo(CountOrderSales.WriterWait - TimeSpan.FromMilliseconds(50), "it waited for the writer first");
        var record = await fixture.Shop.Services.GetRequiredService<ISalesContributions>().FindAsync(paid.Number, Ct);
        record!.Value.Pending.ShouldBeNull();
        record.Value.Sequence.ShouldBe(3);
        ShouldCount(await CustomerRowAsync(customer, Hour(PaidAt), Hour(PaidAt).AddHours(1)), Cents(paid.Pricing.Total.Amount), 1, 0);
    }

    private static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(5, timeout.Token);
    }

    private CountOrderSales Counting(ISalesBuckets buckets, TimeProvider? clock = null)
    {
        var s = fixture.Shop.Services;
        return new CountOrderSales(s.GetRequiredService<ISalesContributions>(), buckets, s.GetRequiredService<ISalesFirstOrders>(),
            s.GetRequiredService<IProductStore>(), s.GetRequiredService<IPersonalDataVault>(), clock ?? TimeProvider.System);
    }

    private sealed class SimulatedCrash() : Exception("The process died here.");

    /// <summary>The real buckets, until the process "dies" after <c>survive</c> patches.</summary>
    private sealed class CrashingBuckets(ISalesBuckets real, int survive) : ISalesBuckets
    {
        private int _calls;

        public async Task AddToHourAsync(string deltaId, string bucketKey, SalesMeasures delta, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _calls) > survive) throw new SimulatedCrash();
            await real.AddToHourAsync(deltaId, bucketKey, delta, ct);
        }

        public async Task AddToDayAsync(string deltaId, string dayKey, SalesMeasures delta, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _calls) > survive) throw new SimulatedCrash();
            await real.AddToDayAsync(deltaId, dayKey, delta, ct);
        }

        public Task<int> ForgetAppliedBeforeAsync(DateTimeOffset before, CancellationToken ct) => real.ForgetAppliedBeforeAsync(before, ct);
    }

    /// <summary>The real buckets, counting the patches asked of them.</summary>
    /// <summary>The real buckets, counting the patches asked for (each after <c>eachPatch</c>, to slow a writer down).</summary>
    private sealed class CountingBuckets(ISalesBuckets real, TimeSpan eachPatch = default) : ISalesBuckets
    {
        private int _patches;

        public int Patches => Volatile.Read(ref _patches);

        public async Task AddToHourAsync(string deltaId, string bucketKey, SalesMeasures delta, CancellationToken ct)
        {
            Interlocked.Increment(ref _patches);
            if (eachPatch > TimeSpan.Zero) await Task.Delay(eachPatch, ct);
            await real.AddToHourAsync(deltaId, bucketKey, delta, ct);
        }

        public async Task AddToDayAsync(string deltaId, string dayKey, SalesMeasures delta, CancellationToken ct)
        {
            Interlocked.Increment(ref _patches);
            if (eachPatch > TimeSpan.Zero) await Task.Delay(eachPatch, ct);
            await real.AddToDayAsync(deltaId, dayKey, delta, ct);
        }

        public Task<int> ForgetAppliedBeforeAsync(DateTimeOffset before, CancellationToken ct) => real.ForgetAppliedBeforeAsync(before, ct);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
