using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.UnitTests.Carts;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Inventory;
using Serverless.Shop.Domain.UnitTests.Orders;
using Serverless.Shop.Domain.UnitTests.Privacy;

namespace Serverless.Shop.Domain.UnitTests.Customers;

/// <summary>The order half of <see cref="ClaimGuestData"/> with in-memory stores: which orders move, and what happens when the order changes meanwhile.</summary>
public sealed class ClaimGuestDataTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Email = "ada@example.com";
    private readonly OrderTestBed _bed = new();
    private readonly RecordingVault _vault = new();
    private static readonly Actor Ada = new("cust_new_ada", [ShopRoles.Customer]);

    private ClaimGuestData Claim
    {
        get
        {
            var carts = new InMemoryCartStore();
            var stock = new ManageStock(new InMemoryInventoryStore(), InMemoryWarehouseStore.WithMain(), new RecordingWorkQueue(), _bed.Clock);
            var pricing = new FakeCartPricing();
            return new(_bed.Store, new ManageCarts(carts, new InMemoryProductStore(), stock, pricing, new CartSettings(30), new ShopSettings("EUR"), _bed.Clock),
                new MergeCarts(carts, stock, pricing, new CartSettings(30), _bed.Clock), _vault, _bed.Clock);
        }
    }

    private async Task<string> OrderAsync(string? customerId) => (await _bed.Orders.PlaceAsync(OrderTestBed.Placement(customerId: customerId), None)).Number;

    [Fact]
    public async Task Guest_orders_of_the_email_move_and_another_customers_order_does_not()
    {
        var guest = await OrderAsync(null);
        var others = await OrderAsync(OrderTestBed.OtherCustomer.Id);

        var claim = await Claim.ClaimAsync(Ada, Email, new ClaimGuestDataInput(null), null, None);

        claim.ClaimedOrders.ShouldBe([guest]);
        _bed.Stored(guest).CustomerId.ShouldBe(Ada.Id);
        _bed.Stored(others).CustomerId.ShouldBe(OrderTestBed.OtherCustomer.Id);
        _vault.Erased.ShouldBe([DataOwner.GuestOrder(guest)], "the moved order's guest key is shredded, no other");
    }

    [Fact]
    public async Task An_order_already_the_customers_has_its_guest_key_shredded_again_so_an_interrupted_claim_leaves_none()
    {
        // A claim killed after moving the order and before destroying its guest key: the next claim finishes the job.
        var mine = await OrderAsync(Ada.Id);

        var claim = await Claim.ClaimAsync(Ada, Email, new ClaimGuestDataInput(null), null, None);

        claim.OrdersAlreadyYours.ShouldBe([mine]);
        _vault.Erased.ShouldBe([DataOwner.GuestOrder(mine)]);
    }

    [Fact]
    public async Task An_order_changed_between_the_read_and_the_write_is_read_again_and_the_change_is_kept()
    {
        var guest = await OrderAsync(null);
        _bed.Store.BeforeNextSave = () => _bed.Store.Overwrite(_bed.Stored(guest) with { CancellationReason = "changed meanwhile" });

        var claim = await Claim.ClaimAsync(Ada, Email, new ClaimGuestDataInput(null), null, None);

        claim.ClaimedOrders.ShouldBe([guest]);
        _bed.Store.Conflicts.ShouldBe(1);
        _bed.Stored(guest).CustomerId.ShouldBe(Ada.Id);
        _bed.Stored(guest).CancellationReason.ShouldBe("changed meanwhile");
    }

    [Fact]
    public async Task An_order_another_customer_claimed_meanwhile_is_left_to_them()
    {
        var guest = await OrderAsync(null);
        _bed.Store.BeforeNextSave = () => _bed.Store.Overwrite(_bed.Stored(guest) with { CustomerId = OrderTestBed.OtherCustomer.Id });

        var claim = await Claim.ClaimAsync(Ada, Email, new ClaimGuestDataInput(null), null, None);

        claim.ClaimedOrders.ShouldBeEmpty();
        _bed.Stored(guest).CustomerId.ShouldBe(OrderTestBed.OtherCustomer.Id);
        _vault.Erased.ShouldBeEmpty("someone else's order keeps its keys");
    }

    [Fact]
    public async Task Without_a_verified_email_nothing_moves()
    {
        var guest = await OrderAsync(null);

        await Should.ThrowAsync<EmailNotVerifiedException>(() => Claim.ClaimAsync(Ada, null, new ClaimGuestDataInput(null), null, None));

        _bed.Stored(guest).CustomerId.ShouldBeNull();
        _bed.Store.Saves.ShouldBe(1, "only the placement wrote");
    }
}
