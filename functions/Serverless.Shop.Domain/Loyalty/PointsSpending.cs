using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>
/// Spending points at checkout, in the shape of coupon uses: hold, then redeem when the order is paid, or give back
/// when the checkout fails or the order is cancelled. Each is idempotent by order number. A hold never takes more
/// than <see cref="PointsAccount.Available"/>, and the account is written under its ETag, so concurrent checkouts can
/// never spend the same points twice (PointsSpendingTests, PointsConcurrencyTests).
/// </summary>
public static class PointsSpending
{
    public const string Field = "pointsToSpend";

    /// <exception cref="BusinessRuleViolationException">More points than are available (field <c>pointsToSpend</c>).</exception>
    public static PointsAccount Hold(PointsAccount account, string orderNumber, int points, DateTimeOffset now)
    {
        if (points <= 0) throw ValidationFailedException.For(Field, "must be a positive whole number of points.");
        if (account.Holds.FirstOrDefault(h => h.OrderNumber == orderNumber) is { } existing)
            return existing.Points == points ? account
                : throw new BusinessRuleViolationException($"Order {orderNumber} already holds {existing.Points} points.", Field);
        if (points > account.Available)
            throw new BusinessRuleViolationException($"You have {account.Available} points to spend; this order asks for {points}.", Field);
        return account with { Holds = [.. account.Holds, new PointsHold(orderNumber, points, now)] };
    }

    /// <summary>Takes the held points from the account (the soonest to expire first). Nothing held: nothing to do.</summary>
    public static PointsAccount Redeem(PointsAccount account, string orderNumber, DateTimeOffset now)
    {
        if (account.Holds.FirstOrDefault(h => h.OrderNumber == orderNumber) is not { Redeemed: false } hold) return account;
        var toTake = hold.Points;
        var orders = new List<OrderPoints>();
        foreach (var lot in account.Orders.OrderBy(o => o.Available ? 0 : 1).ThenBy(o => o.ExpiresAt))
        {
            var taken = lot.Available ? Math.Min(lot.Left, toTake) : 0;
            toTake -= taken;
            if (lot.Left - taken > 0) orders.Add(lot with { Spent = lot.Spent + taken });
        }
        // A hold is only ever made within what is available, and reversals and expiry leave held points alone
        // (PointsRules), so the lots always cover it; anything else is a bug worth stopping for.
        if (toTake > 0) throw new InvalidOperationException($"The points held for {orderNumber} are not in the account.");
        var kept = account.Orders.Select(o => orders.FirstOrDefault(u => u.OrderNumber == o.OrderNumber)).OfType<OrderPoints>().ToList();
        return account with
        {
            Orders = kept,
            Holds = Trim([.. account.Holds.Select(h => h == hold ? h with { Redeemed = true } : h)]),
            Movements = [.. account.Movements.Append(new PointsMovement($"{orderNumber}:redeemed", PointsMovementKind.Redeemed, -hold.Points, orderNumber, now)).TakeLast(PointsAccount.MovementsKept)],
        };
    }

    /// <summary>
    /// Gives the order's points back: a hold is dropped; redeemed points come back as available points that expire
    /// like newly released ones. Nothing held: nothing to do.
    /// </summary>
    public static PointsAccount GiveBack(PointsAccount account, string orderNumber, DateTimeOffset now, LoyaltySettings settings)
    {
        if (account.Holds.FirstOrDefault(h => h.OrderNumber == orderNumber) is not { } hold) return account;
        var holds = account.Holds.Where(h => h != hold).ToList();
        if (!hold.Redeemed) return account with { Holds = holds };
        var returned = new OrderPoints($"{orderNumber}:given-back", hold.Points, 0, true, false, now, now, now.AddDays(settings.PointsExpiryDays));
        return account with
        {
            Holds = holds,
            Orders = [.. account.Orders, returned],
            Movements = [.. account.Movements.Append(new PointsMovement($"{orderNumber}:given-back", PointsMovementKind.GivenBack, hold.Points, orderNumber, now)).TakeLast(PointsAccount.MovementsKept)],
        };
    }

    private static IReadOnlyList<PointsHold> Trim(List<PointsHold> holds)
    {
        var redeemed = holds.Count(h => h.Redeemed);
        return redeemed <= PointsAccount.HoldsKept ? holds : [.. holds.Where(h => !h.Redeemed || --redeemed < PointsAccount.HoldsKept)];
    }
}
