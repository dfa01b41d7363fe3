using Serverless.Shop.Domain.Common;
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

    private ErasePersonalData Erasure => new(_vault, _bed.Store, []);

    /// <summary>Records erasures; the rest of the vault is not what these tests are about.</summary>
    private sealed class RecordingVault : IPersonalDataVault
    {
        public List<DataOwner> Erased { get; } = [];

        public Task<IPersonalDataKey> OpenAsync(DataOwner owner, bool createIfMissing, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> EraseAsync(DataOwner owner, CancellationToken ct)
        {
            var first = !Erased.Contains(owner);
            Erased.Add(owner);
            return Task.FromResult(first);
        }

        public Task<string> BlindIndexAsync(BlindIndexKind kind, string value, CancellationToken ct) => throw new NotSupportedException();
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

        result.ShouldBe(new ErasureResult(DataOwner.CustomerKind, CustomerId, true));
        _vault.Erased.ShouldBe([DataOwner.Customer(CustomerId)]);
        _bed.Store.Current(first.Number)!.Version.ShouldNotBe(versions[first.Number]);
        _bed.Store.Current(second.Number)!.Version.ShouldNotBe(versions[second.Number]);
        _bed.Store.Current(someoneElse.Number)!.Version.ShouldBe(versions[someoneElse.Number]);
    }

    [Fact]
    public async Task A_guest_order_is_its_own_owner()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(customerId: null), Ct);

        var result = await Erasure.EraseAsync(new ErasureInput(null, order.Number), Ct);

        result.ShouldBe(new ErasureResult(DataOwner.GuestOrderKind, order.Number, true));
        _vault.Erased.ShouldBe([DataOwner.GuestOrder(order.Number)]);
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
}
