using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>A customer's points as they see them: what they can spend, what is pending, and the recent movements, newest first.</summary>
/// <param name="Held">Points checkouts in progress hold (not counted in <paramref name="Available"/>).</param>
public sealed record PointsView(int Available, int Pending, int Held, DateTimeOffset? NextExpiryAt, IReadOnlyList<PointsMovement> Movements)
{
    public static PointsView Of(PointsAccount account) => new(
        account.Available, account.Pending, account.Held,
        account.Orders.Where(o => o.Available).Select(o => o.ExpiresAt).Min(),
        [.. account.Movements.Reverse()]);
}

/// <summary>
/// The points ledger's use cases: follow order changes (an <see cref="IOrderChangeReaction"/> run by
/// <see cref="NotifyOrderChange"/> beside the email and the integration event), release and expire points on the
/// timer, and show a customer their points. Every change is read, decide (<see cref="PointsRules"/>), write with the
/// ETag, read again on a conflict.
/// </summary>
/// <remarks>
/// With <paramref name="standings"/>, a paid order earns times its customer's tier multiplier (<see cref="MembershipTier.PointsMultiplier"/>):
/// the tier they hold when the ledger first sees the order paid. The purchase history reacts first (it is registered
/// first), so that tier already counts this order. Without it (unit tests of the points alone) every order earns at the base rate.
/// </remarks>
public sealed class PointsLedger(IPointsAccountStore accounts, LoyaltySettings settings, TimeProvider clock, ICustomerStandings? standings = null) : IOrderChangeReaction
{
    // Concurrent checkouts of one customer all write this one document; each round of conflicts lets one of them through.
    private const int MaximumAttempts = 16;
    private const int DueBatch = 100;

    public async Task<PointsView> GetAsync(Actor customer, CancellationToken ct) =>
        PointsView.Of((await accounts.FindAsync(customer.Id, ct))?.Value ?? PointsAccount.Empty(customer.Id));

    /// <summary>
    /// Applies the order as it now stands to its customer's points. Guests' orders earn nothing. A cancelled order gives
    /// back the points spent on it (also when staff cancel it after checkout redeemed them).
    /// </summary>
    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (order.CustomerId is not { } customerId) return;
        decimal? multiplier = null;
        await ChangeAsync(customerId, async (account, token) =>
        {
            // The tier is read only when the order earns now (once per order), not on its every later change.
            if (multiplier is null && standings is not null && PointsRules.WouldEarn(account, order))
                multiplier = MembershipTiers.MultiplierOf((await standings.GetStandingAsync(customerId, token)).Tier, settings.Tiers);
            var now = clock.GetUtcNow();
            var applied = PointsRules.Apply(account, order, settings, now, multiplier ?? 1m);
            return order is { Status: OrderStatus.Cancelled, PointsSpent: > 0 } ? PointsSpending.GiveBack(applied, order.Number, now, settings) : applied;
        }, ct);
    }

    /// <summary>
    /// The timer's work: every account with a release or an expiry due, a batch at a time, until a batch changes
    /// nothing or <see cref="MaximumDueBatches"/> ran (the next run carries on). Returns how many accounts changed.
    /// An account that stays due without changing (its expiry waits for a checkout's hold) does not loop the timer.
    /// </summary>
    public async Task<int> ApplyDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var changed = 0;
        for (var batch = 0; batch < MaximumDueBatches; batch++)
        {
            var due = await accounts.ListDueAsync(now, DueBatch, ct);
            var changedNow = 0;
            foreach (var customerId in due)
                if (await ChangeAsync(customerId, account => PointsRules.ApplyDue(account, settings, now), ct)) changedNow++;
            changed += changedNow;
            if (due.Count < DueBatch || changedNow == 0) break;
        }
        return changed;
    }

    private const int MaximumDueBatches = 20;

    /// <summary>Holds points for an order being checked out (idempotent by order).</summary>
    /// <exception cref="BusinessRuleViolationException">More points than the customer has available (field <c>pointsToSpend</c>).</exception>
    public Task HoldAsync(string customerId, string orderNumber, int points, CancellationToken ct) =>
        ChangeAsync(customerId, account => PointsSpending.Hold(account, orderNumber, points, clock.GetUtcNow()), ct);

    /// <summary>The order was paid: its held points are spent.</summary>
    public Task RedeemAsync(string customerId, string orderNumber, CancellationToken ct) =>
        ChangeAsync(customerId, account => PointsSpending.Redeem(account, orderNumber, clock.GetUtcNow()), ct);

    /// <summary>The checkout failed or the order was cancelled: its points are the customer's again.</summary>
    public Task GiveBackAsync(string customerId, string orderNumber, CancellationToken ct) =>
        ChangeAsync(customerId, account => PointsSpending.GiveBack(account, orderNumber, clock.GetUtcNow(), settings), ct);

    private Task<bool> ChangeAsync(string customerId, Func<PointsAccount, PointsAccount> decide, CancellationToken ct) =>
        ChangeAsync(customerId, (account, _) => Task.FromResult(decide(account)), ct);

    private async Task<bool> ChangeAsync(string customerId, Func<PointsAccount, CancellationToken, Task<PointsAccount>> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await accounts.FindAsync(customerId, ct);
            var before = current?.Value ?? PointsAccount.Empty(customerId);
            var after = await decide(before, ct);
            if (ReferenceEquals(after, before)) return false;
            try
            {
                await accounts.SaveAsync(after, current?.Version, ct);
                return true;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
            catch (StaleVersionException)
            {
                throw new BusyResourceException("Points account");
            }
        }
    }
}
