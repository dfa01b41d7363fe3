using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Inventory;
using Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

namespace Serverless.Shop.Domain.UnitTests.Marketing.FlashSales;

/// <summary>
/// Exact sale counters when the process is killed between two writes of a hold, a commit or a release: every counter
/// change carries a change key that the counter applies once, as for promotion uses (PromotionRedemptionCrashTests).
/// </summary>
public sealed class FlashSaleCrashTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private const string Customer = "cust-1";
    private const string Email = "ada@example.com";

    /// <summary>
    /// A sale of two mugs (MUG-1 capped at <c>mug1Cap</c>, MUG-2 at 2; 4 units per customer) and another buyer's committed
    /// order of one of each, so no counter the tests look at starts at zero. The order under test buys 2 MUG-1 and 1 MUG-2.
    /// </summary>
    private sealed class Bed
    {
        public ManualClock Clock { get; } = new(Start);
        public InMemoryFlashSaleStore Inner { get; }
        public KillableFlashSaleStore Store { get; }
        public FlashSaleHolds Holds { get; }
        public FlashSale Sale { get; }
        public int Churned { get; set; }

        public Bed(int keysPerTrim = InMemoryFlashSaleStore.DefaultKeysPerTrim, int mug1Cap = 10)
        {
            Inner = new InMemoryFlashSaleStore(Clock, keysPerTrim);
            Store = new KillableFlashSaleStore(Inner);
            var products = new InMemoryProductStore();
            products.Add(CatalogExamples.ExistingMug("prod_mug") with
            {
                Variants =
                [
                    new ProductVariant("MUG-1", null, new Dictionary<string, string>(), new Money(20m, "EUR"), null),
                    new ProductVariant("MUG-2", null, new Dictionary<string, string>(), new Money(20m, "EUR"), null),
                ],
            });
            Sale = new FlashSale
            {
                Id = "sale_crash", Name = "Crash", StartsAt = Start.AddMinutes(-5), EndsAt = Start.AddDays(30), PerCustomerLimit = 4,
                Items = [new FlashSaleItem("prod_mug", "MUG-1", new Money(9m, "EUR"), mug1Cap), new FlashSaleItem("prod_mug", "MUG-2", new Money(9m, "EUR"), 2)],
                CreatedAt = Start, UpdatedAt = Start,
            };
            Inner.CreateAsync(Sale, default).GetAwaiter().GetResult();
            var projection = new FlashSaleProjection(products, Inner, Clock);
            projection.AddAsync(Sale, default).GetAwaiter().GetResult();
            Holds = new FlashSaleHolds(Store, projection, new EmailIndexVault(), Clock);
        }

        public Order Order(string number, (string Sku, int Quantity)[]? lines = null, string? customerId = Customer, string email = Email) =>
            OrderFor(Sale, number, email, customerId, lines ?? [("MUG-1", 2), ("MUG-2", 1)]);

        public Task HoldAsync(string number, (string Sku, int Quantity)[]? lines = null) => Holds.HoldAsync(Order(number, lines), CancellationToken.None);
        public Task CommitAsync(string number) => Holds.CommitAsync(Order(number), CancellationToken.None);
        public Task ReleaseAsync(string number, (string Sku, int Quantity)[]? lines = null) => Holds.ReleaseAsync(Order(number, lines), CancellationToken.None);

        public async Task WithAnotherBuyersCommittedOrderAsync()
        {
            var other = OrderFor(Sale, "SS-OTHER-0001", "other@example.com", "cust-other", [("MUG-1", 1), ("MUG-2", 1)]);
            await Holds.HoldAsync(other, CancellationToken.None);
            await Holds.CommitAsync(other, CancellationToken.None);
        }

        public (int Mug1, int Mug2, int Customer, int Email) Counts() =>
            (Inner.Counter(Sale.Id, SaleCounter.Sold("MUG-1")), Inner.Counter(Sale.Id, SaleCounter.Sold("MUG-2")),
             Inner.Counter(Sale.Id, SaleCounter.Buyer(CustomerKey)), Inner.Counter(Sale.Id, SaleCounter.Buyer(EmailKey)));

        public FlashSaleHoldState? State(string number) => Inner.Hold(Sale.Id, number)?.State;
    }

    private sealed record Scenario(Func<Bed, Task> Setup, Func<Bed, Task> Act, (int Mug1, int Mug2, int Customer, int Email) Expected, FlashSaleHoldState State);

    private static async Task RefusedAsync(Func<Task> hold)
    {
        try { await hold(); }
        catch (BusinessRuleViolationException) { /* a cap or the buyer's limit: expected */ }
    }

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["hold"] = new(_ => Task.CompletedTask, b => b.HoldAsync("SS-CRASH-0001"), (3, 2, 3, 3), FlashSaleHoldState.Held),
        ["hold again after a release"] = new(async b => { await b.HoldAsync("SS-CRASH-0001"); await b.ReleaseAsync("SS-CRASH-0001"); },
            b => b.HoldAsync("SS-CRASH-0001"), (3, 2, 3, 3), FlashSaleHoldState.Held),
        ["commit"] = new(b => b.HoldAsync("SS-CRASH-0001"), b => b.CommitAsync("SS-CRASH-0001"), (3, 2, 3, 3), FlashSaleHoldState.Committed),
        ["release a held order"] = new(b => b.HoldAsync("SS-CRASH-0001"), b => b.ReleaseAsync("SS-CRASH-0001"), (1, 1, 0, 0), FlashSaleHoldState.Released),
        ["release a committed order"] = new(async b => { await b.HoldAsync("SS-CRASH-0001"); await b.CommitAsync("SS-CRASH-0001"); },
            b => b.ReleaseAsync("SS-CRASH-0001"), (1, 1, 0, 0), FlashSaleHoldState.Released),
        ["hold refused by the buyer's limit"] = new(b => b.HoldAsync("SS-CRASH-0000", [("MUG-1", 2)]),
            b => RefusedAsync(() => b.HoldAsync("SS-CRASH-0001")), (3, 1, 2, 2), FlashSaleHoldState.Released),
        ["hold refused by a cap"] = new(
            b => b.Holds.HoldAsync(OrderFor(b.Sale, "SS-THIRD-0001", "third@example.com", null, [("MUG-2", 1)]), CancellationToken.None),
            b => RefusedAsync(() => b.HoldAsync("SS-CRASH-0001")), (1, 2, 0, 0), FlashSaleHoldState.Released),
    };

    public static TheoryData<string> Operations => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_kill_after_any_write_of_the_call_then_a_retry_of_the_same_call_leaves_exact_counters(string operation)
    {
        var scenario = Scenarios[operation];
        var writes = await SimulatedProcess.KillAfterEveryWriteAsync(
            async () =>
            {
                var bed = new Bed();
                await bed.WithAnotherBuyersCommittedOrderAsync();
                await scenario.Setup(bed);
                return bed;
            },
            bed => bed.Store.Process, scenario.Act,
            (bed, when) =>
            {
                bed.Counts().ShouldBe(scenario.Expected, $"{operation}, {when}");
                bed.State("SS-CRASH-0001").ShouldBe(scenario.State, $"{operation}, {when}");
                bed.State("SS-OTHER-0001").ShouldBe(FlashSaleHoldState.Committed, $"{operation}, {when}");
            });
        writes.ShouldBeGreaterThan(operation == "commit" ? 1 : 2, "the call writes more than once");
    }

    [Fact]
    public async Task Two_holds_of_one_order_at_once_take_its_units_once()
    {
        var bed = new Bed();
        await bed.WithAnotherBuyersCommittedOrderAsync();

        await Task.WhenAll(Task.Run(() => bed.HoldAsync("SS-CRASH-0001")), Task.Run(() => bed.HoldAsync("SS-CRASH-0001")));

        bed.Counts().ShouldBe((3, 2, 3, 3));
        bed.State("SS-CRASH-0001").ShouldBe(FlashSaleHoldState.Held);
    }

    [Fact]
    public async Task Two_releases_of_one_order_at_once_give_back_once()
    {
        var bed = new Bed();
        await bed.WithAnotherBuyersCommittedOrderAsync();
        await bed.HoldAsync("SS-CRASH-0001");

        await Task.WhenAll(Task.Run(() => bed.ReleaseAsync("SS-CRASH-0001")), Task.Run(() => bed.ReleaseAsync("SS-CRASH-0001")));

        bed.Counts().ShouldBe((1, 1, 0, 0));
    }

    [Fact]
    public async Task A_hold_refused_by_the_buyers_limit_and_retried_once_the_limit_frees_takes_its_units_once()
    {
        var bed = new Bed();
        await bed.HoldAsync("SS-CRASH-0000", [("MUG-1", 2)]);
        await Should.ThrowAsync<BusinessRuleViolationException>(() => bed.HoldAsync("SS-CRASH-0001")); // took the mugs, gave them back
        await bed.ReleaseAsync("SS-CRASH-0000", [("MUG-1", 2)]);

        await bed.HoldAsync("SS-CRASH-0001"); // the same call again: it must take anew, not find the units "already taken"

        bed.Counts().ShouldBe((2, 1, 3, 3));
    }

    [Fact]
    public async Task A_crashed_release_is_repaired_by_the_next_release_although_the_journal_was_trimmed_once_since()
    {
        var bed = new Bed(keysPerTrim: 10, mug1Cap: 1000);
        await ChurnAsync(bed, changes: 25); // trimmed twice before the order even holds
        await bed.HoldAsync("SS-CRASH-0001");
        await ReleaseKilledAfterTheRecordAsync(bed);
        await ChurnAsync(bed, changes: 11, step: TimeSpan.FromMinutes(1)); // trimmed once more, after the release

        await bed.ReleaseAsync("SS-CRASH-0001");

        bed.Counts().ShouldBe((25 + 11, 0, 0, 0));
    }

    [Fact]
    public async Task A_crashed_release_repeated_after_the_journal_forgot_its_instant_gives_back_nothing_the_safe_direction()
    {
        var bed = new Bed(keysPerTrim: 10, mug1Cap: 1000);
        await bed.HoldAsync("SS-CRASH-0001");
        await ReleaseKilledAfterTheRecordAsync(bed);
        await ChurnAsync(bed, changes: 25, step: TimeSpan.FromMinutes(1)); // two trims: MUG-1's journal starts after the release
        bed.Inner.Journal(bed.Sale.Id, SaleCounter.Sold("MUG-1")).Since.ShouldBeGreaterThan(bed.Inner.Hold(bed.Sale.Id, "SS-CRASH-0001")!.ChangedAt);

        await bed.ReleaseAsync("SS-CRASH-0001");

        bed.Counts().ShouldBe((25 + 2, 0, 0, 0), "the released order's MUG-1 units stay taken: two sold fewer, never more than the cap");
        bed.State("SS-CRASH-0001").ShouldBe(FlashSaleHoldState.Released);
    }

    private static async Task ReleaseKilledAfterTheRecordAsync(Bed bed)
    {
        bed.Store.Process.KillAfter(1);
        await Should.ThrowAsync<ProcessKilledException>(() => bed.ReleaseAsync("SS-CRASH-0001"));
        bed.Store.Process.Restart();
        bed.State("SS-CRASH-0001").ShouldBe(FlashSaleHoldState.Released);
        bed.Counts().Customer.ShouldBe(3, "killed before giving anything back");
    }

    /// <summary>Other buyers' orders of one MUG-1 each, each one change of its counter, the clock moving on between them.</summary>
    private static async Task ChurnAsync(Bed bed, int changes, TimeSpan? step = null)
    {
        for (var i = 0; i < changes; i++)
        {
            bed.Clock.Advance(step ?? TimeSpan.FromHours(1));
            var n = ++bed.Churned;
            await bed.Holds.HoldAsync(OrderFor(bed.Sale, $"SS-CHURN-{n:0000}", $"churn{n}@example.com", null, [("MUG-1", 1)]), CancellationToken.None);
        }
    }

    private static string CustomerKey => "c-" + Hex(Customer);
    private static string EmailKey => "e-" + Hex(EmailIndexVault.IndexOf(Email));

    // As FlashSaleHolds names buyer counters.
    private static string Hex(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32].ToLowerInvariant();

    private static Order OrderFor(FlashSale sale, string number, string email, string? customerId, (string Sku, int Quantity)[] lines)
    {
        static Money Eur(decimal amount) => new(amount, "EUR");
        var priced = lines.Select((l, i) =>
        {
            var total = Eur(9m * l.Quantity);
            return new PricedLine($"line_{i + 1}", "prod_mug", l.Sku, "Mug", l.Quantity, Eur(20m), Eur(9m), total, [], Eur(0m), total, 0m, Eur(0m), total, null)
                { FlashSaleId = sale.Id };
        }).ToList();
        var sum = Eur(priced.Sum(l => l.Total.Amount));
        var pricing = new PricedCart("EUR", priced, [], [], sum, Eur(0m), Eur(0m), Eur(0m), Eur(0m), Eur(0m), sum, sum, true);
        var address = new ShippingAddress("Ada", "Damrak 1", null, "Amsterdam", "1012 LG", null, "NL", null);
        return new Order(number, number, customerId, email, OrderStatus.PendingPayment, "EUR", pricing, address, null, PaymentMethod.Card,
            null, null, null, null, "hash", [], [], [], Start, Start, null, null);
    }

    private sealed class EmailIndexVault : IPersonalDataVault
    {
        public static string IndexOf(string email) => "ix-" + PersonalData.Normalise(BlindIndexKind.Email, email);

        public Task<IPersonalDataKey> OpenAsync(DataOwner owner, bool createIfMissing, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> EraseAsync(DataOwner owner, CancellationToken ct) => throw new NotSupportedException();

        public Task<string> BlindIndexAsync(BlindIndexKind kind, string value, CancellationToken ct) => Task.FromResult(IndexOf(value));
    }
}

/// <summary>
/// A flash sale store in a process that can be killed: after the chosen write (a counter change or a hold record save,
/// whether or not it changed anything) has reached the store, the call throws <see cref="ProcessKilledException"/> and so
/// does every later call, until <see cref="SimulatedProcess.Restart"/> brings up a new process on the same data.
/// </summary>
internal sealed class KillableFlashSaleStore(IFlashSaleStore inner) : IFlashSaleStore
{
    public SimulatedProcess Process { get; } = new();

    public Task<Versioned<FlashSale>?> FindAsync(string id, CancellationToken ct) => Process.ReadAsync(() => inner.FindAsync(id, ct));
    public Task<Page<FlashSale>> ListAsync(PageRequest page, CancellationToken ct) => Process.ReadAsync(() => inner.ListAsync(page, ct));
    public Task<string> CreateAsync(FlashSale sale, CancellationToken ct) => Process.WriteAsync(() => inner.CreateAsync(sale, ct));
    public Task<string> ReplaceAsync(FlashSale sale, string expectedVersion, CancellationToken ct) => Process.WriteAsync(() => inner.ReplaceAsync(sale, expectedVersion, ct));
    public Task DeleteAsync(string id, CancellationToken ct) => Process.WriteAsync(async () => { await inner.DeleteAsync(id, ct); return 0; });

    public Task<(CounterChange Change, int Value)> TryTakeAsync(string saleId, SaleCounter counter, int units, int limit, string changeKey, CancellationToken ct) =>
        Process.WriteAsync(() => inner.TryTakeAsync(saleId, counter, units, limit, changeKey, ct));

    public Task<(CounterChange Change, int Value)> GiveBackAsync(string saleId, SaleCounter counter, int units, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct) =>
        Process.WriteAsync(() => inner.GiveBackAsync(saleId, counter, units, changeKey, coveredFrom, ct));

    public Task<IReadOnlyDictionary<SaleCounter, int>> ReadCountersAsync(string saleId, IReadOnlyCollection<SaleCounter> counters, CancellationToken ct) =>
        Process.ReadAsync(() => inner.ReadCountersAsync(saleId, counters, ct));

    public Task<Versioned<FlashSaleHold>?> FindHoldAsync(string saleId, string orderId, CancellationToken ct) => Process.ReadAsync(() => inner.FindHoldAsync(saleId, orderId, ct));

    public Task<string> SaveHoldAsync(FlashSaleHold hold, string? expectedVersion, CancellationToken ct) => Process.WriteAsync(() => inner.SaveHoldAsync(hold, expectedVersion, ct));

    public Task<IReadOnlyList<FlashSaleHold>> ListHoldsAsync(string saleId, CancellationToken ct) => Process.ReadAsync(() => inner.ListHoldsAsync(saleId, ct));
}
