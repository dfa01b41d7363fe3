using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.IntegrationTests.Marketing.FlashSales;

/// <summary>
/// Flash sale holds on the Cosmos DB emulator when a process dies between two writes: the sale's counters are keyed
/// counters (CosmosKeyedCounter), so a release or hold cut short between the record and the counters is made exact by
/// the next release or the retried hold, by the order's units.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class FlashSaleJournalTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly IFlashSaleStore _store = fixture.Shop.Services.GetRequiredService<IFlashSaleStore>();
    private readonly IFlashSaleHolds _holds = fixture.Shop.Services.GetRequiredService<IFlashSaleHolds>();

    private FlashSaleHolds HoldsOver(IFlashSaleStore store) => new(
        store, fixture.Shop.Services.GetRequiredService<FlashSaleProjection>(), fixture.Shop.Services.GetRequiredService<IPersonalDataVault>(), TimeProvider.System);

    [Fact]
    public async Task A_release_cut_short_between_the_record_and_the_counters_is_repaired_by_the_next_release()
    {
        var sale = await SaleAsync(cap: 5, perCustomerLimit: 3);
        var order = OrderFor(sale, "cust_1", 3);
        await _holds.HoldAsync(order, Ct);
        await _holds.HoldAsync(OrderFor(sale, "cust_2", 1), Ct);
        var buyers = (await _store.FindHoldAsync(sale.Id, order.Number, Ct))!.Value.BuyerKeys;

        await HoldsOver(new ForgetfulFlashSaleStore(_store)).ReleaseAsync(order, Ct); // the record says released; the counters were not told
        (await CountsAsync(sale, buyers)).ShouldBe((4, 3));

        await _holds.ReleaseAsync(order, Ct);
        await _holds.ReleaseAsync(order, Ct);

        (await CountsAsync(sale, buyers)).ShouldBe((1, 0));
        await _holds.HoldAsync(OrderFor(sale, "cust_1", 3), Ct); // the buyer's three units are free again
    }

    [Fact]
    public async Task A_hold_cut_short_between_the_counters_and_the_record_takes_once_when_retried()
    {
        var sale = await SaleAsync(cap: 5, perCustomerLimit: 3);
        var order = OrderFor(sale, "cust_1", 3);
        await Should.ThrowAsync<TimeoutException>(() => HoldsOver(new ForgetfulFlashSaleStore(_store) { FailSaves = true }).HoldAsync(order, Ct));

        await _holds.HoldAsync(order, Ct);

        var buyers = (await _store.FindHoldAsync(sale.Id, order.Number, Ct))!.Value.BuyerKeys;
        (await CountsAsync(sale, buyers)).ShouldBe((3, 3));
    }

    private async Task<(int Sold, int Buyer)> CountsAsync(FlashSale sale, IReadOnlyList<string> buyers)
    {
        var counters = await _store.ReadCountersAsync(sale.Id, [SaleCounter.Sold("MUG-J"), .. buyers.Select(SaleCounter.Buyer)], Ct);
        var perBuyer = buyers.Select(b => counters[SaleCounter.Buyer(b)]).Distinct().ToList();
        perBuyer.Count.ShouldBe(1, "every counter of the buyer counts the same units");
        return (counters[SaleCounter.Sold("MUG-J")], perBuyer[0]);
    }

    /// <summary>A live sale of one variant, in the store only (the product's copy is a display figure these tests do not need).</summary>
    private async Task<FlashSale> SaleAsync(int cap, int perCustomerLimit)
    {
        var now = DateTimeOffset.UtcNow;
        var sale = new FlashSale
        {
            Id = Ids.New("fsale"), Name = "Journal", StartsAt = now.AddMinutes(-5), EndsAt = now.AddHours(1), PerCustomerLimit = perCustomerLimit,
            Items = [new FlashSaleItem(Ids.New("prod"), "MUG-J", new Money(9m, "EUR"), cap)], CreatedAt = now, UpdatedAt = now,
        };
        await _store.CreateAsync(sale, Ct);
        return sale;
    }

    private static Order OrderFor(FlashSale sale, string customerId, int quantity)
    {
        static Money Eur(decimal amount) => new(amount, "EUR");
        var number = "SS-J" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var total = Eur(9m * quantity);
        var line = new PricedLine("line_1", sale.Items[0].ProductId, "MUG-J", "Mug", quantity, Eur(20m), Eur(9m), total, [], Eur(0m), total, 0m, Eur(0m), total, null)
            { FlashSaleId = sale.Id };
        var pricing = new PricedCart("EUR", [line], [], [], total, Eur(0m), Eur(0m), Eur(0m), Eur(0m), Eur(0m), total, total, true);
        var address = new ShippingAddress("Ada", "Damrak 1", null, "Amsterdam", "1012 LG", null, "NL", null);
        var now = DateTimeOffset.UtcNow;
        return new Order(number, number, customerId, $"{customerId}.{sale.Id}@example.com", OrderStatus.PendingPayment, "EUR", pricing, address, null, PaymentMethod.Card,
            null, null, null, null, "hash", [], [], [], now, now, null, null);
    }

    /// <summary>The real store, except that give-backs are dropped (a process killed after writing the record) or hold writes time out.</summary>
    private sealed class ForgetfulFlashSaleStore(IFlashSaleStore inner) : IFlashSaleStore
    {
        public bool FailSaves { get; init; }

        public Task<Versioned<FlashSale>?> FindAsync(string id, CancellationToken ct) => inner.FindAsync(id, ct);
        public Task<Page<FlashSale>> ListAsync(PageRequest page, CancellationToken ct) => inner.ListAsync(page, ct);
        public Task<string> CreateAsync(FlashSale sale, CancellationToken ct) => inner.CreateAsync(sale, ct);
        public Task<string> ReplaceAsync(FlashSale sale, string expectedVersion, CancellationToken ct) => inner.ReplaceAsync(sale, expectedVersion, ct);
        public Task DeleteAsync(string id, CancellationToken ct) => inner.DeleteAsync(id, ct);

        public Task<(CounterChange Change, int Value)> TryTakeAsync(string saleId, SaleCounter counter, int units, int limit, string changeKey, CancellationToken ct) =>
            inner.TryTakeAsync(saleId, counter, units, limit, changeKey, ct);

        public Task<(CounterChange Change, int Value)> GiveBackAsync(string saleId, SaleCounter counter, int units, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct) =>
            FailSaves ? inner.GiveBackAsync(saleId, counter, units, changeKey, coveredFrom, ct) : Task.FromResult((CounterChange.NotCovered, 0));

        public Task<IReadOnlyDictionary<SaleCounter, int>> ReadCountersAsync(string saleId, IReadOnlyCollection<SaleCounter> counters, CancellationToken ct) =>
            inner.ReadCountersAsync(saleId, counters, ct);

        public Task<Versioned<FlashSaleHold>?> FindHoldAsync(string saleId, string orderId, CancellationToken ct) => inner.FindHoldAsync(saleId, orderId, ct);

        public Task<string> SaveHoldAsync(FlashSaleHold hold, string? expectedVersion, CancellationToken ct) =>
            FailSaves ? throw new TimeoutException("the store did not answer") : inner.SaveHoldAsync(hold, expectedVersion, ct);

        public Task<IReadOnlyList<FlashSaleHold>> ListHoldsAsync(string saleId, CancellationToken ct) => inner.ListHoldsAsync(saleId, ct);
    }
}
