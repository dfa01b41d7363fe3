using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.UnitTests.Orders;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Privacy;

/// <summary>Who an erasure reaches, what it refuses, and that it writes the owner's orders again once the key is gone.</summary>
public sealed class ErasePersonalDataTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OrderTestBed _bed = new();
    private readonly RecordingVault _vault = new();

    private readonly RecordingCleanup _cleanup = new();

    private ICustomerAccounts _accounts = new RecordingAccounts();

    private ErasePersonalData Erasure => new(_vault, _bed.Store, _accounts, [_cleanup]);

    private RecordingAccounts Accounts => (RecordingAccounts)_accounts;

    private sealed class RecordingAccounts : ICustomerAccounts
    {
        public List<string> Deleted { get; } = [];

        public Task<bool> DeleteAsync(string customerId, CancellationToken ct)
        {
            var first = !Deleted.Contains(customerId);
            Deleted.Add(customerId);
            return Task.FromResult(first);
        }
    }

    private sealed class UnconfiguredAccounts : ICustomerAccounts
    {
        public Task<bool> DeleteAsync(string customerId, CancellationToken ct) => throw new NotConfiguredException("no way to delete accounts");
    }

    private sealed class RecordingCleanup : IPersonalDataCleanup
    {
        public List<string> CleanedUp { get; } = [];

        public Task CleanUpAsync(string customerId, CancellationToken ct)
        {
            CleanedUp.Add(customerId);
            return Task.CompletedTask;
        }
    }

    [Theory]
    [InlineData(null, null, "customerId")]
    [InlineData("  ", "", "customerId")]
    [InlineData("cust_ada", "SS-AAAA-BBBB", "orderNumber")]
    public async Task Exactly_one_owner_must_be_named(string? customerId, string? orderNumber, string field)
    {
        var e = await Should.ThrowAsync<ValidationFailedException>(() => Erasure.EraseAsync(new ErasureInput(customerId, orderNumber), Ct));
        e.Errors.Keys.ShouldContain(field);
        _vault.Erased.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_id_longer_than_200_characters_is_refused()
    {
        var e = await Should.ThrowAsync<ValidationFailedException>(() => Erasure.EraseAsync(new ErasureInput(new string('c', 201), null), Ct));
        e.Errors.Keys.ShouldBe(["customerId"]);
        _vault.Erased.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_s_key_is_destroyed_and_each_of_their_orders_written_again()
    {
        var first = await _bed.Orders.PlaceAsync(Placement(), Ct);
        var second = await _bed.Orders.PlaceAsync(Placement(), Ct);
        var someoneElse = await _bed.Orders.PlaceAsync(Placement(customerId: "cust_bob"), Ct);
        var versions = new[] { first, second, someoneElse }.ToDictionary(o => o.Number, o => _bed.Store.Current(o.Number)!.Version);

        var result = await Erasure.EraseAsync(new ErasureInput($" {CustomerId} ", null), Ct);

        result.ShouldBe(new ErasureResult(DataOwner.CustomerKind, CustomerId, true, AccountDeleted: true));
        Accounts.Deleted.ShouldBe([CustomerId], "the sign-in account goes too");
        _vault.Erased.ShouldBe([DataOwner.Customer(CustomerId)]);
        _bed.Store.Current(first.Number)!.Version.ShouldNotBe(versions[first.Number]);
        _bed.Store.Current(second.Number)!.Version.ShouldNotBe(versions[second.Number]);
        _bed.Store.Current(someoneElse.Number)!.Version.ShouldBe(versions[someoneElse.Number]);
        _cleanup.CleanedUp.ShouldBe([CustomerId], "every capability tidies its live documents of the customer");
    }

    [Fact]
    public async Task An_erased_order_keeps_its_campaign_but_loses_the_ad_click_ids_and_landing_page()
    {
        var touch = new Serverless.Shop.Domain.Marketing.Attribution.MarketingTouch("google", "cpc", "spring", null, null, "Cj0KCQ-gclid", "IwAR-fbclid", "https://shop.example/?gclid=Cj0KCQ-gclid", _bed.Clock.Now);
        var placed = await _bed.Orders.PlaceAsync(Placement(customerId: null), Ct);
        var current = _bed.Store.Current(placed.Number)!;
        await _bed.Store.SaveAsync(current.Value with { Attribution = Serverless.Shop.Domain.Marketing.Attribution.CartAttribution.Start(touch) }, current.Version, Ct);

        await Erasure.EraseAsync(new ErasureInput(null, placed.Number), Ct);

        var kept = _bed.Store.Current(placed.Number)!.Value.Attribution.ShouldNotBeNull();
        foreach (var t in new[] { kept.FirstTouch, kept.LastTouch })
        {
            (t.UtmSource, t.UtmMedium, t.UtmCampaign).ShouldBe(("google", "cpc", "spring"), "the campaign is not the shopper's: sales by channel keep it");
            (t.Gclid, t.Fbclid, t.LandingPage).ShouldBe((null, null, null));
        }
    }

    [Fact]
    public async Task A_guest_order_is_its_own_owner()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(customerId: null), Ct);

        var result = await Erasure.EraseAsync(new ErasureInput(null, order.Number), Ct);

        result.ShouldBe(new ErasureResult(DataOwner.GuestOrderKind, order.Number, true));
        _vault.Erased.ShouldBe([DataOwner.GuestOrder(order.Number)]);
        _cleanup.CleanedUp.ShouldBeEmpty("a guest order has no customer whose documents need tidying");
        Accounts.Deleted.ShouldBeEmpty("a guest has no account");
    }

    [Fact]
    public async Task A_customer_s_order_cannot_be_erased_alone_nor_an_unknown_one()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(), Ct);

        (await Should.ThrowAsync<BusinessRuleViolationException>(() => Erasure.EraseAsync(new ErasureInput(null, order.Number), Ct))).Field.ShouldBe("orderNumber");
        await Should.ThrowAsync<ResourceNotFoundException>(() => Erasure.EraseAsync(new ErasureInput(null, "SS-NONE-NONE"), Ct));
        _vault.Erased.ShouldBeEmpty();
    }

    [Fact]
    public void An_order_s_owner_is_its_customer_or_else_the_order()
    {
        DataOwner.OfOrder("cust_ada", "SS-1").ShouldBe(DataOwner.Customer("cust_ada"));
        DataOwner.OfOrder(null, "SS-1").ShouldBe(DataOwner.GuestOrder("SS-1"));
        DataOwner.Customer("SS-1").ShouldNotBe(DataOwner.GuestOrder("SS-1"));
        Should.Throw<ArgumentException>(() => DataOwner.Customer(" "));
    }

    [Theory]
    [InlineData(BlindIndexKind.Email, "  Ada@Example.COM ", "ada@example.com")]
    [InlineData(BlindIndexKind.Phone, "+31 (20) 555-0101", "+31205550101")]
    [InlineData(BlindIndexKind.Phone, "020 555 0101", "0205550101")]
    public void Values_are_normalised_before_they_are_indexed(BlindIndexKind kind, string value, string normalised) =>
        PersonalData.Normalise(kind, value).ShouldBe(normalised);

    [Fact]
    public async Task No_email_is_sent_to_an_erased_buyer()
    {
        var order = (await _bed.Orders.PlaceAsync(Placement(), Ct)).Record(OrderChange.Cancelled, OrderStatus.Cancelled, "staff_sam", _bed.Clock.Now, "Out of stock");
        var cancelled = order.History[^1];
        OrderEmails.For(order, cancelled, _bed.Settings).ShouldNotBeNull("the test must start from a change that emails");
        OrderEmails.For(order with { Email = PersonalData.Erased }, cancelled, _bed.Settings).ShouldBeNull();
    }

    [Fact]
    public async Task Without_a_way_to_delete_the_account_nothing_is_erased()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(), Ct);
        var version = _bed.Store.Current(order.Number)!.Version;
        _accounts = new UnconfiguredAccounts();

        await Should.ThrowAsync<NotConfiguredException>(() => Erasure.EraseAsync(new ErasureInput(CustomerId, null), Ct));

        _vault.Erased.ShouldBeEmpty();
        _bed.Store.Current(order.Number)!.Version.ShouldBe(version);
        _cleanup.CleanedUp.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_erasing_their_own_account_must_confirm()
    {
        var e = await Should.ThrowAsync<ValidationFailedException>(() => Erasure.EraseMineAsync(new Actor(CustomerId, [ShopRoles.Customer]), new MyErasureInput(false), Ct));

        e.Errors.Keys.ShouldBe(["confirm"]);
        _vault.Erased.ShouldBeEmpty();
        Accounts.Deleted.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_with_an_open_order_cannot_erase_their_account_and_the_problem_names_the_order()
    {
        var open = await _bed.Orders.PlaceAsync(Placement(), Ct);

        var e = await Should.ThrowAsync<BusinessRuleViolationException>(() => Erasure.EraseMineAsync(new Actor(CustomerId, [ShopRoles.Customer]), new MyErasureInput(true), Ct));

        e.Field.ShouldBe("orders");
        e.Message.ShouldContain(open.Number);
        _vault.Erased.ShouldBeEmpty();
        Accounts.Deleted.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_whose_orders_are_all_closed_erases_their_own_account()
    {
        var placed = await _bed.Orders.PlaceAsync(Placement(), Ct);
        var cancelled = await _bed.Orders.CancelAsync(placed.Number, "changed my mind", new Actor(CustomerId, [ShopRoles.Customer]), Ct);
        cancelled.Status.ShouldBe(OrderStatus.Cancelled);

        var result = await Erasure.EraseMineAsync(new Actor(CustomerId, [ShopRoles.Customer]), new MyErasureInput(true), Ct);

        result.ShouldBe(new ErasureResult(DataOwner.CustomerKind, CustomerId, true, AccountDeleted: true));
        _vault.Erased.ShouldBe([DataOwner.Customer(CustomerId)]);
    }
}
