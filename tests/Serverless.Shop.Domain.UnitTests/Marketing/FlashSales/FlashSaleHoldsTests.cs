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

namespace Serverless.Shop.Domain.UnitTests.Marketing.FlashSales;

/// <summary>Holding, committing and releasing sale units for orders: the caps and limits, idempotency by order number, and the product's units left.</summary>
public sealed class FlashSaleHoldsTests
{
    private static readonly DateTimeOffset Now = FixedClock.Instant;
    private readonly InMemoryFlashSaleStore _sales = new();
    private readonly InMemoryProductStore _products = new();
    private readonly FixedClock _clock = new();
    private readonly FlashSaleHolds _holds;

    public FlashSaleHoldsTests() => _holds = new FlashSaleHolds(_sales, new FlashSaleProjection(_products, _sales, _clock), new EmailIndexVault(), _clock);

    [Fact]
    public async Task Forty_orders_at_once_for_a_cap_of_seven_hold_exactly_seven_units()
    {
        var sale = await SaleAsync(cap: 7, limit: 1);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => TryHoldAsync(OrderFor(sale, $"SS-RUSH-{i:0000}", $"buyer{i}@example.com", 1))));

        attempts.Count(held => held).ShouldBe(7);
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(7);
        (await _sales.ListHoldsAsync(sale.Id, default)).Count.ShouldBe(7);
    }

    [Fact]
    public async Task One_email_in_any_case_over_twelve_orders_at_once_gets_no_more_than_the_limit()
    {
        var sale = await SaleAsync(cap: 50, limit: 3);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            TryHoldAsync(OrderFor(sale, $"SS-SAME-{i:0000}", i % 2 == 0 ? "Ada@Example.com" : " ada@example.com", 1))));

        attempts.Count(held => held).ShouldBe(3);
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(3, "units taken by refused orders are given back");
    }

    [Fact]
    public async Task A_signed_in_customer_is_limited_across_their_customer_id_and_their_email()
    {
        var sale = await SaleAsync(cap: 50, limit: 2);
        await _holds.HoldAsync(OrderFor(sale, "SS-CUST-0001", "sam@example.com", 2, customerId: "cust-1"), default);

        // As a guest with the same email, and signed in with another email: both count against what they already bought.
        var asGuest = await TryHoldAsync(OrderFor(sale, "SS-CUST-0002", "SAM@example.com", 1));
        var otherEmail = await TryHoldAsync(OrderFor(sale, "SS-CUST-0003", "sam.other@example.com", 1, customerId: "cust-1"));

        asGuest.ShouldBeFalse();
        otherEmail.ShouldBeFalse();
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(2);
    }

    [Fact]
    public async Task Holding_again_for_the_same_order_takes_nothing_more_and_releasing_twice_gives_back_once()
    {
        var sale = await SaleAsync(cap: 5, limit: 5);
        var order = OrderFor(sale, "SS-ONCE-0001", "ada@example.com", 2);

        await _holds.HoldAsync(order, default);
        await Task.WhenAll(_holds.HoldAsync(order, default), _holds.HoldAsync(order, default));
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(2);

        await _holds.ReleaseAsync(order, default);
        await _holds.ReleaseAsync(order, default);
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(0);
        _sales.Hold(sale.Id, order.Number)!.State.ShouldBe(FlashSaleHoldState.Released);
        await _holds.HoldAsync(OrderFor(sale, "SS-ONCE-0002", "ada@example.com", 5), default);
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(5, "the released units and the buyer's limit were all given back");
    }

    [Fact]
    public async Task Committing_makes_the_hold_sold_once_and_a_cancellation_afterwards_gives_the_units_back()
    {
        var sale = await SaleAsync(cap: 5, limit: 5);
        var order = OrderFor(sale, "SS-PAID-0001", "ada@example.com", 3);
        await _holds.HoldAsync(order, default);

        await _holds.CommitAsync(order, default);
        await _holds.CommitAsync(order, default);
        _sales.Hold(sale.Id, order.Number)!.State.ShouldBe(FlashSaleHoldState.Committed);
        await _holds.HoldAsync(order, default);
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(3);

        await _holds.ReleaseAsync(order, default);
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(0);
    }

    [Fact]
    public async Task A_sale_ended_early_holds_nothing_whatever_the_order_was_priced_at()
    {
        var sale = await SaleAsync(cap: 5, limit: 5);
        var current = (await _sales.FindAsync(sale.Id, default))!;
        await _sales.ReplaceAsync(sale with { EndsAt = Now, EndedEarlyAt = Now }, current.Version, default);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => _holds.HoldAsync(OrderFor(sale, "SS-LATE-0001", "ada@example.com", 1), default));

        refused.Message.ShouldContain("ended");
        refused.Message.ShouldContain("MUG-1");
        _sales.Counter(sale.Id, SaleCounter.Sold("MUG-1")).ShouldBe(0);
    }

    [Fact]
    public async Task The_product_shows_units_left_after_holds_and_sold_out_when_the_cap_is_reached()
    {
        var sale = await SaleAsync(cap: 3, limit: 3);

        await _holds.HoldAsync(OrderFor(sale, "SS-LEFT-0001", "a@example.com", 2), default);
        UnitsLeftShown().ShouldBe(1);
        await _holds.HoldAsync(OrderFor(sale, "SS-LEFT-0002", "b@example.com", 1), default);
        UnitsLeftShown().ShouldBe(0);
        FlashSaleOffers.LiveOffer(_products.Current("prod_mug")!.Value, "MUG-1", Now).ShouldBeNull("a sold-out sale no longer prices");

        await _holds.ReleaseAsync(OrderFor(sale, "SS-LEFT-0001", "a@example.com", 2), default);
        UnitsLeftShown().ShouldBe(2);
    }

    [Fact]
    public async Task An_order_without_sale_lines_reads_and_writes_nothing()
    {
        var order = OrderFor(null, "SS-NONE-0001", "ada@example.com", 1);

        await _holds.HoldAsync(order, default);
        await _holds.CommitAsync(order, default);
        await _holds.ReleaseAsync(order, default);

        _sales.Takes.ShouldBe(0);
    }

    [Theory]
    [InlineData(100, 100, 99, true)]   // the first unit taken
    [InlineData(100, 99, 98, false)]   // inside a step of five (100 / 20)
    [InlineData(100, 95, 94, true)]    // across a step (95 is 19 steps of five, 94 is 18)
    [InlineData(100, 11, 10, true)]    // into the last ten: every unit shows
    [InlineData(100, 5, 4, true)]
    [InlineData(100, 1, 0, true)]      // sold out always shows
    [InlineData(100, 0, 1, true)]      // and so does a unit coming back
    public void Units_left_are_written_to_the_product_when_they_cross_a_step(int cap, int before, int after, bool refresh) =>
        FlashSaleProjection.ShouldRefresh(cap, before, after).ShouldBe(refresh);

    private int UnitsLeftShown() => _products.Current("prod_mug")!.Value.FlashSales!.Single().Variants.Single().UnitsLeft;

    private async Task<bool> TryHoldAsync(Order order)
    {
        try
        {
            await _holds.HoldAsync(order, default);
            return true;
        }
        catch (BusinessRuleViolationException e)
        {
            e.Message.ShouldContain("MUG-1");
            return false;
        }
    }

    private async Task<FlashSale> SaleAsync(int cap, int limit)
    {
        _products.Add(CatalogExamples.ExistingMug("prod_mug") with
        {
            Variants = [new ProductVariant("MUG-1", null, new Dictionary<string, string>(), new Money(20m, "EUR"), null)],
        });
        var sale = new FlashSale
        {
            Id = "sale_rush", Name = "Rush", StartsAt = Now.AddMinutes(-5), EndsAt = Now.AddHours(1), PerCustomerLimit = limit,
            Items = [new FlashSaleItem("prod_mug", "MUG-1", new Money(9m, "EUR"), cap)], CreatedAt = Now, UpdatedAt = Now,
        };
        await _sales.CreateAsync(sale, default);
        await new FlashSaleProjection(_products, _sales, _clock).AddAsync(sale, default);
        return sale;
    }

    private static Order OrderFor(FlashSale? sale, string number, string email, int quantity, string? customerId = null)
    {
        static Money Eur(decimal amount) => new(amount, "EUR");
        var total = Eur(9m * quantity);
        var line = new PricedLine("line_1", "prod_mug", "MUG-1", "Mug", quantity, Eur(20m), Eur(9m), total, [], Eur(0m), total, 0m, Eur(0m), total, null)
            { FlashSaleId = sale?.Id };
        var pricing = new PricedCart("EUR", [line], [], [], total, Eur(0m), Eur(0m), Eur(0m), Eur(0m), Eur(0m), total, total, true);
        var address = new ShippingAddress("Ada", "Damrak 1", null, "Amsterdam", "1012 LG", null, "NL", null);
        return new Order(number, number, customerId, email, OrderStatus.PendingPayment, "EUR", pricing, address, null, PaymentMethod.Card,
            null, null, null, null, "hash", [], [], [], Now, Now, null, null);
    }

    /// <summary>A blind index as the vault makes it: the same for any case and surrounding spaces, and a base64 text with '/' in it.</summary>
    private sealed class EmailIndexVault : IPersonalDataVault
    {
        public Task<IPersonalDataKey> OpenAsync(DataOwner owner, bool createIfMissing, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> EraseAsync(DataOwner owner, CancellationToken ct) => throw new NotSupportedException();

        public Task<string> BlindIndexAsync(BlindIndexKind kind, string value, CancellationToken ct) =>
            Task.FromResult("ix/" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(PersonalData.Normalise(kind, value))));
    }
}
