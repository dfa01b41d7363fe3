using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>
/// The rules of earning, releasing, reversing and expiring points (docs/loyalty.md). Each rule compares the account
/// with the order as it stands now and records the difference as movements, so applying an order again (a redelivered
/// event, an event that arrives after a later one) changes nothing. Tests: PointsRulesTests.
/// </summary>
public static class PointsRules
{
    /// <summary>Whether applying <paramref name="order"/> would earn its points now (its first sight paid): only then does the tier matter.</summary>
    public static bool WouldEarn(PointsAccount account, Order order) =>
        order.CustomerId == account.CustomerId && order.CapturedAmount > 0m
        && !account.Orders.Any(o => o.OrderNumber == order.Number) && !account.EarnedOrders.Contains(order.Number);

    /// <summary>
    /// Brings the account in line with <paramref name="order"/>: earns on the first sight of it paid, reverses in
    /// proportion to what was refunded (all of it when it was cancelled or returned), holds the points while a return is
    /// requested, and releases them once the return window after delivery has passed. Returns the same instance when
    /// nothing changed.
    /// </summary>
    public static PointsAccount Apply(PointsAccount account, Order order, LoyaltySettings settings, DateTimeOffset now, decimal tierMultiplier = 1m)
    {
        if (order.CustomerId != account.CustomerId) return account;
        var entry = account.Orders.FirstOrDefault(o => o.OrderNumber == order.Number);
        var movements = new List<PointsMovement>();
        var earnedOrders = account.EarnedOrders;

        if (entry is null)
        {
            // Earned once per order, on the money taken; an order seen before (its points since spent, reversed or expired) earns nothing again.
            if (account.EarnedOrders.Contains(order.Number) || order.CapturedAmount <= 0m) return account;
            var points = (int)Math.Floor(order.CapturedAmount * settings.PointsPerCurrencyUnit * tierMultiplier);
            if (points <= 0) return account;
            entry = new OrderPoints(order.Number, points, 0, false, false, order.PaidAt ?? now, null, null);
            movements.Add(new PointsMovement($"{order.Number}:earned", PointsMovementKind.Earned, points, order.Number, now));
            earnedOrders = [.. account.EarnedOrders.TakeLast(PointsAccount.EarnedOrdersKept - 1), order.Number];
        }
        var before = entry;

        // Points already spent stay spent, and so do points a checkout holds: a reversal takes what is left of them.
        var reversal = Math.Min(ReversedTarget(entry.Earned, order) - entry.Reversed, entry.Available ? Math.Min(entry.Left, Math.Max(0, account.Available)) : entry.Left);
        if (reversal > 0)
        {
            entry = entry with { Reversed = entry.Reversed + reversal };
            movements.Add(new PointsMovement($"{order.Number}:reversed:{entry.Reversed}", PointsMovementKind.Reversed, -reversal, order.Number, now));
        }

        if (!entry.Available)
        {
            entry = entry with
            {
                OnHold = order.Status == OrderStatus.ReturnRequested,
                AvailableAt = order.DeliveredAt is { } delivered ? delivered.AddDays(settings.ReturnWindowDays) : entry.AvailableAt,
            };
        }

        var updated = Replace(account, before, entry) with { EarnedOrders = earnedOrders };
        updated = Release(updated, now, settings, movements);
        if (movements.Count == 0 && updated.Orders.SequenceEqual(account.Orders) && ReferenceEquals(earnedOrders, account.EarnedOrders)) return account;
        return WithMovements(updated, movements);
    }

    /// <summary>
    /// What the timer does: pending points whose return window has passed become available; available points past
    /// their expiry are taken away. Returns the same instance when nothing was due.
    /// </summary>
    public static PointsAccount ApplyDue(PointsAccount account, LoyaltySettings settings, DateTimeOffset now)
    {
        var movements = new List<PointsMovement>();
        var updated = Release(account, now, settings, movements);
        // While a checkout holds points they do not expire (the hold may be spending them); the next run after it ends expires them.
        var expiring = updated.Held > 0 ? [] : updated.Orders.Where(o => o.Available && o.ExpiresAt <= now).ToList();
        foreach (var expired in expiring)
        {
            movements.Add(new PointsMovement($"{expired.OrderNumber}:expired", PointsMovementKind.Expired, -expired.Left, expired.OrderNumber, now));
            updated = updated with { Orders = [.. updated.Orders.Where(o => o != expired)] };
        }
        return movements.Count == 0 ? account : WithMovements(updated, movements);
    }

    /// <summary>
    /// How many of an order's earned points must be taken back: all of them once it is cancelled or returned; otherwise
    /// the share of the captured money that was refunded, rounded up (the customer keeps the points of what they kept, rounded down).
    /// </summary>
    public static int ReversedTarget(int earned, Order order)
    {
        if (order.Status is OrderStatus.Cancelled or OrderStatus.Returned || order.LastEntryOf(OrderChange.Returned) is not null) return earned;
        var captured = order.CapturedAmount;
        if (captured <= 0m) return 0;
        var kept = Math.Clamp(captured - order.RefundedAmount, 0m, captured);
        return earned - (int)Math.Floor(earned * kept / captured);
    }

    private static PointsAccount Release(PointsAccount account, DateTimeOffset now, LoyaltySettings settings, List<PointsMovement> movements)
    {
        var updated = account;
        foreach (var due in account.Orders.Where(o => !o.Available && !o.OnHold && o.AvailableAt <= now).ToList())
        {
            var released = due with { Available = true, ExpiresAt = due.AvailableAt!.Value.AddDays(settings.PointsExpiryDays) };
            if (due.Left > 0) movements.Add(new PointsMovement($"{due.OrderNumber}:released", PointsMovementKind.Released, due.Left, due.OrderNumber, now));
            updated = Replace(updated, due, released);
        }
        return updated;
    }

    private static PointsAccount Replace(PointsAccount account, OrderPoints before, OrderPoints after)
    {
        // In place, so an unchanged account compares equal; an order with no points left is done with and drops out
        // (EarnedOrders still remembers it).
        var orders = account.Orders.Any(o => o.OrderNumber == before.OrderNumber)
            ? account.Orders.Select(o => o.OrderNumber == before.OrderNumber ? after : o)
            : account.Orders.Append(after);
        return account with { Orders = [.. orders.Where(o => o.Left > 0)] };
    }

    private static PointsAccount WithMovements(PointsAccount account, List<PointsMovement> movements) =>
        account with { Movements = [.. account.Movements.Concat(movements).TakeLast(PointsAccount.MovementsKept)] };
}
