using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Loyalty;

/// <summary>Holding, redeeming and giving back points at checkout (docs/loyalty.md#redeeming).</summary>
public sealed class PointsSpendingTests
{
    private static readonly DateTimeOffset Now = FixedClock.Instant;
    private static readonly LoyaltySettings Settings = new(1m, 365, 30);

    /// <summary>Two orders' points available: 30 expiring in 10 days, 50 in 200 days; 20 more pending.</summary>
    private static PointsAccount Account() => new("cust_ada",
        [
            new OrderPoints("SS-LATE", 50, 0, true, false, Now.AddDays(-100), Now.AddDays(-165), Now.AddDays(200)),
            new OrderPoints("SS-SOON", 30, 0, true, false, Now.AddDays(-400), Now.AddDays(-355), Now.AddDays(10)),
            new OrderPoints("SS-NEW", 20, 0, false, false, Now.AddDays(-1), null, null),
        ], [], ["SS-LATE", "SS-SOON", "SS-NEW"]);

    [Fact]
    public void A_hold_sets_points_aside_so_they_cannot_be_held_again()
    {
        var held = PointsSpending.Hold(Account(), "SS-BUY1", 60, Now);

        held.Available.ShouldBe(20);
        held.Held.ShouldBe(60);
        var e = Should.Throw<BusinessRuleViolationException>(() => PointsSpending.Hold(held, "SS-BUY2", 21, Now));
        e.Field.ShouldBe("pointsToSpend");
        e.Message.ShouldContain("You have 20 points to spend");
        PointsSpending.Hold(held, "SS-BUY2", 20, Now).Available.ShouldBe(0);
    }

    [Fact]
    public void Holding_again_for_the_same_order_changes_nothing()
    {
        var held = PointsSpending.Hold(Account(), "SS-BUY1", 60, Now);

        PointsSpending.Hold(held, "SS-BUY1", 60, Now).ShouldBeSameAs(held);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_hold_of_no_or_negative_points_is_refused(int points)
    {
        var e = Should.Throw<ValidationFailedException>(() => PointsSpending.Hold(Account(), "SS-BUY1", points, Now));
        e.Errors.Keys.ShouldBe(["pointsToSpend"]);
    }

    [Fact]
    public void Pending_points_cannot_be_spent()
    {
        Should.Throw<BusinessRuleViolationException>(() => PointsSpending.Hold(Account(), "SS-BUY1", 81, Now));
    }

    [Fact]
    public void Redeeming_spends_the_points_that_expire_soonest_first_once()
    {
        var held = PointsSpending.Hold(Account(), "SS-BUY1", 40, Now);

        var redeemed = PointsSpending.Redeem(held, "SS-BUY1", Now);

        redeemed.Available.ShouldBe(40);
        redeemed.Held.ShouldBe(0);
        redeemed.Orders.Select(o => (o.OrderNumber, o.Left)).ShouldBe([("SS-LATE", 40), ("SS-NEW", 20)]);
        redeemed.Movements.ShouldHaveSingleItem().ShouldBe(new PointsMovement("SS-BUY1:redeemed", PointsMovementKind.Redeemed, -40, "SS-BUY1", Now));
        PointsSpending.Redeem(redeemed, "SS-BUY1", Now).ShouldBeSameAs(redeemed);
    }

    [Fact]
    public void Giving_back_a_hold_frees_the_points_and_giving_back_redeemed_points_returns_them()
    {
        var held = PointsSpending.Hold(Account(), "SS-BUY1", 40, Now);
        PointsSpending.GiveBack(held, "SS-BUY1", Now, Settings).Available.ShouldBe(80);

        var redeemed = PointsSpending.Redeem(held, "SS-BUY1", Now);
        var givenBack = PointsSpending.GiveBack(redeemed, "SS-BUY1", Now, Settings);

        givenBack.Available.ShouldBe(80);
        givenBack.Movements[^1].ShouldBe(new PointsMovement("SS-BUY1:given-back", PointsMovementKind.GivenBack, 40, "SS-BUY1", Now));
        PointsSpending.GiveBack(givenBack, "SS-BUY1", Now, Settings).ShouldBeSameAs(givenBack);
        PointsSpending.Redeem(givenBack, "SS-BUY1", Now).ShouldBeSameAs(givenBack, "a late redeem of a given-back order spends nothing");
    }

    [Fact]
    public void Held_points_neither_expire_nor_are_reversed_from_under_the_checkout()
    {
        var held = PointsSpending.Hold(Account(), "SS-BUY1", 80, Now);

        PointsRules.ApplyDue(held, Settings, Now.AddDays(11)).ShouldBeSameAs(held);
        PointsSpending.Redeem(held, "SS-BUY1", Now).Available.ShouldBe(0);
    }
}
