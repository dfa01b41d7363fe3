using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// Holds, redeems and releases uses of limited promotions for orders (<see cref="IPromotionRedemptions"/>).
/// Only promotions with a <see cref="Promotion.UsageLimit"/> or a <see cref="Promotion.PerCustomerLimit"/> are tracked.
/// <para>
/// How a limit holds under concurrency: a use is a unit taken from the promotion's counter (and the customer's) by an
/// atomic "add one if below the limit" in the store, so N checkouts at once on a code with limit L take exactly
/// min(N, L) units, each with one write and no retries. The order's use record (one small document per order) makes
/// every step idempotent by order id: a held or redeemed record means "already counted".
/// </para>
/// <para>
/// How counts stay exact when a process is killed between two writes (the store has no transaction across the counters
/// and the record): every counter change carries a change key (<see cref="ChangeKeys"/>) made from the order and the
/// version of its use record, and a counter does not apply a key it has already applied. Holding takes the units, then
/// writes the record; a retry after a crash starts from the same record version, repeats the same key and takes nothing
/// twice. Releasing (and a hold refused by the per-customer limit, which gives its unit of the total back) writes the
/// released record first, carrying the give-back's key, then gives back; every later release, and the next hold of the
/// order, repeats that give-back, which changes nothing if it was made. Redeeming writes the redeemed record with its
/// key, then counts the redemption; a later redeem or release repeats the count first. The one way left to lose exactness
/// is the safe one: a give-back whose key the counter's journal may have forgotten (more than about 200 changes of that
/// counter from <see cref="ClockSkewMargin"/> before the record to the give-back) is not made, so the unit stays taken:
/// availability under-counted, never over-used. (A hold retried after such a gap may take a second unit: the same
/// direction.)
/// Proven by PromotionRedemptionCrashTests (a kill after every write of hold, redeem and release, then a retry) and, on
/// the Cosmos DB emulator, by PromotionRedemptionJournalTests.
/// </para>
/// </summary>
public sealed class PromotionRedemptions(IPromotionStore promotions, IPromotionUsageStore usage, TimeProvider clock) : IPromotionRedemptions
{
    /// <summary>
    /// How far the clocks of two instances may disagree. A counter's journal stamps its start with the clock of whoever
    /// trimmed it; a record's instant comes from another instance. A give-back is trusted only if the journal reaches back
    /// to the record's instant less this margin. Azure hosts keep their clocks within about a second; a minute is ample.
    /// </summary>
    public static readonly TimeSpan ClockSkewMargin = TimeSpan.FromMinutes(1);

    private const int MaximumAttempts = 8;

    /// <summary>
    /// Holds one use of every limited promotion for the order, all or nothing: when one is used up, the uses this call
    /// took are given back before the <see cref="BusinessRuleViolationException"/> (field <c>codes</c> for a coupon,
    /// <c>promotions</c> for an automatic promotion) reaches the caller. Uses the order already holds count once.
    /// Guests cannot use promotions limited per customer: there is no one to count the use against.
    /// </summary>
    public async Task HoldAsync(string orderId, string? customerId, IReadOnlyList<AppliedPromotion> applied, CancellationToken ct)
    {
        RequireOrderId(orderId);
        var taken = new List<string>();
        try
        {
            foreach (var promotion in applied.DistinctBy(p => p.PromotionId))
            {
                var current = await promotions.FindByIdAsync(promotion.PromotionId, ct)
                    ?? throw new BusinessRuleViolationException($"{Describe(promotion.Code, promotion.Name)} no longer exists.", FieldFor(promotion.Code));
                if (!IsTracked(current.Value)) continue;
                if (await HoldOneAsync(current.Value, orderId, customerId, ct)) taken.Add(current.Value.Id);
            }
        }
        catch
        {
            // All or nothing: give back what this call took, newest first. A release that fails here leaves the record
            // held; the checkout's own compensation releases it again.
            for (var i = taken.Count - 1; i >= 0; i--)
            {
                try { await ReleaseOneAsync(taken[i], orderId, CancellationToken.None); }
                catch (Exception) { /* keep the original failure */ }
            }
            throw;
        }
    }

    /// <summary>Makes the order's held uses final. Uses it does not hold (never held, or released) are left alone; a second call changes nothing.</summary>
    public async Task RedeemAsync(string orderId, IReadOnlyList<AppliedPromotion> applied, CancellationToken ct)
    {
        RequireOrderId(orderId);
        foreach (var promotionId in applied.Select(p => p.PromotionId).Distinct(StringComparer.Ordinal))
        {
            for (var attempt = 1; ; attempt++)
            {
                var use = await usage.FindUseAsync(promotionId, orderId, ct);
                if (use?.Value.State == PromotionUseState.Redeemed)
                {
                    // A crash may have come between the record and the count: count again, under the same key.
                    await CountRedemptionAsync(use.Value, again: true);
                    break;
                }
                if (use is null || use.Value.State != PromotionUseState.Held) break;
                var now = clock.GetUtcNow();
                var redeemed = use.Value with
                {
                    State = PromotionUseState.Redeemed, ChangedAt = now,
                    ChangeKey = ChangeKeys.For(ChangeKeys.Redeem, orderId, use.Version), CoveredFrom = now - ClockSkewMargin,
                };
                try
                {
                    await usage.SaveUseAsync(redeemed, use.Version, ct);
                }
                catch (StaleVersionException) when (attempt < MaximumAttempts)
                {
                    continue;
                }
                await CountRedemptionAsync(redeemed, again: false);
                break;
            }
        }
    }

    /// <summary>Gives back the order's held or redeemed uses (a failed checkout, a cancelled order). A second call gives back nothing more.</summary>
    public async Task ReleaseAsync(string orderId, IReadOnlyList<AppliedPromotion> applied, CancellationToken ct)
    {
        RequireOrderId(orderId);
        foreach (var promotionId in applied.Select(p => p.PromotionId).Distinct(StringComparer.Ordinal))
            await ReleaseOneAsync(promotionId, orderId, ct);
    }

    public static bool IsTracked(Promotion promotion) => promotion.UsageLimit is not null || promotion.PerCustomerLimit is not null;

    /// <returns>Whether this call took the use (false: the order already held it).</returns>
    private async Task<bool> HoldOneAsync(Promotion promotion, string orderId, string? customerId, CancellationToken ct)
    {
        var perCustomer = promotion.PerCustomerLimit is not null;
        if (perCustomer && customerId is null)
            throw new BusinessRuleViolationException(
                $"{Describe(promotion.Code, promotion.Name)} is limited to {promotion.PerCustomerLimit} use(s) per customer: sign in to use it.", FieldFor(promotion.Code));

        for (var attempt = 1; ; attempt++)
        {
            var existing = await usage.FindUseAsync(promotion.Id, orderId, ct);
            if (existing?.Value.State is PromotionUseState.Held or PromotionUseState.Redeemed) return false;

            // From here on cancellation is not honoured: stopping half-way would only leave work for the retry.
            // A released record's give-back may have been cut short by a crash: finish it (a no-op if it was made).
            if (existing is not null) await GiveBackAsync(existing.Value);

            // The same key for both counters, and for every retry that starts from this version of the record.
            var key = ChangeKeys.For(ChangeKeys.Take, orderId, existing?.Version);
            if (await usage.TryIncrementAsync(promotion.Id, UsageCounter.Uses, promotion.UsageLimit, key, null, CancellationToken.None) == CounterChange.LimitReached)
                throw new BusinessRuleViolationException($"{Describe(promotion.Code, promotion.Name)} has been used up.", FieldFor(promotion.Code));

            if (perCustomer && await usage.TryIncrementAsync(
                    promotion.Id, UsageCounter.Customer(customerId!), promotion.PerCustomerLimit, key, null, CancellationToken.None) == CounterChange.LimitReached)
            {
                if (!await RefuseAsync(promotion.Id, orderId, customerId!, existing?.Version))
                {
                    if (attempt >= MaximumAttempts) throw new BusyResourceException("Promotion");
                    continue;
                }
                throw new BusinessRuleViolationException(
                    $"{Describe(promotion.Code, promotion.Name)} can be used {promotion.PerCustomerLimit} time(s) per customer, and you have used it up.", FieldFor(promotion.Code));
            }

            try
            {
                var use = new PromotionUse(promotion.Id, orderId, customerId, perCustomer, PromotionUseState.Held, clock.GetUtcNow());
                await usage.SaveUseAsync(use, existing?.Version, CancellationToken.None);
                return true;
            }
            catch (StaleVersionException)
            {
                // Another hold of the same order, from the same record version and so with the same key, wrote first: the
                // units were taken once for both (the second take found the key applied), so nothing is given back. The
                // loop reads the record again and finds it held.
                if (attempt >= MaximumAttempts) throw new BusyResourceException("Promotion");
            }
        }
    }

    /// <summary>
    /// The customer's limit refused a hold that took a unit of the total. The unit goes back through a released record
    /// written first, so that a retry of the hold starts from a new record version with new keys (the take's key would
    /// otherwise find its unit "already taken" although it was given back) and finishes the give-back if a crash cut it
    /// short. False when another hold of the order wrote the record first: look again.
    /// One race is left inexact, in the safe direction: two holds of one order at once, this one refused by the customer's
    /// limit and the other let through because the customer's other order was released in between; the other then finds
    /// this refusal's record and starts again, and its first customer unit stays taken.
    /// </summary>
    private async Task<bool> RefuseAsync(string promotionId, string orderId, string customerId, string? fromVersion)
    {
        var now = clock.GetUtcNow();
        var refused = new PromotionUse(promotionId, orderId, customerId, CountedForCustomer: false, PromotionUseState.Released, now,
            ChangeKeys.For(ChangeKeys.Untake, orderId, fromVersion), now - ClockSkewMargin);
        try
        {
            await usage.SaveUseAsync(refused, fromVersion, CancellationToken.None);
        }
        catch (StaleVersionException)
        {
            return false;
        }
        await GiveBackAsync(refused);
        return true;
    }

    private async Task ReleaseOneAsync(string promotionId, string orderId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var use = await usage.FindUseAsync(promotionId, orderId, ct);
            if (use is null) return;
            if (use.Value.State == PromotionUseState.Released)
            {
                // Repeat the give-back under its key: this is what repairs a crash between the record and the counters.
                await GiveBackAsync(use.Value);
                return;
            }

            // The redemption must be counted before it is given back, or a release racing the redeem (or following a
            // crash inside it) would give back a unit that the redeem then adds: the same key, so never counted twice.
            var redeemed = use.Value.State == PromotionUseState.Redeemed;
            if (redeemed) await CountRedemptionAsync(use.Value, again: true);

            var now = clock.GetUtcNow();
            var released = use.Value with
            {
                State = PromotionUseState.Released, ChangedAt = now, ReleasedFromRedeemed = redeemed,
                ChangeKey = ChangeKeys.For(ChangeKeys.Release, orderId, use.Version), CoveredFrom = now - ClockSkewMargin,
            };
            try
            {
                await usage.SaveUseAsync(released, use.Version, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                continue;
            }
            await GiveBackAsync(released);
            return;
        }
    }

    /// <summary>
    /// Counts the redemption of a redeemed record. <paramref name="again"/>: the count may have been made long ago, so the
    /// journal must reach back to the record; when it does not, the count is taken as made (a crash just before it is
    /// the only way it was not, and the redeem's own retry repeats it at once).
    /// </summary>
    private async Task CountRedemptionAsync(PromotionUse redeemed, bool again)
    {
        if (redeemed.ChangeKey is not { } key) return; // redeemed before change keys: counted by the old code
        await usage.TryIncrementAsync(redeemed.PromotionId, UsageCounter.Redemptions, null, key, again ? CoveredFrom(redeemed) : null, CancellationToken.None);
    }

    /// <summary>Gives back what a released record counted, under its key: a no-op when it was given back before.</summary>
    private async Task GiveBackAsync(PromotionUse released)
    {
        if (released.State != PromotionUseState.Released || released.ChangeKey is not { } key) return; // before change keys: given back by the old code
        var from = CoveredFrom(released);
        await usage.DecrementAsync(released.PromotionId, UsageCounter.Uses, key, from, CancellationToken.None);
        if (released is { CountedForCustomer: true, CustomerId: { } customerId })
            await usage.DecrementAsync(released.PromotionId, UsageCounter.Customer(customerId), key, from, CancellationToken.None);
        if (released.ReleasedFromRedeemed)
            await usage.DecrementAsync(released.PromotionId, UsageCounter.Redemptions, key, from, CancellationToken.None);
    }

    private static DateTimeOffset CoveredFrom(PromotionUse use) => use.CoveredFrom ?? use.ChangedAt - ClockSkewMargin;

    private static void RequireOrderId(string orderId)
    {
        if (!Ids.IsWellFormed(orderId)) throw ValidationFailedException.For("orderId", "is not a well-formed order id.");
    }

    private static string Describe(string? code, string name) => code is null ? $"The promotion '{name}'" : $"The code {code}";

    private static string FieldFor(string? code) => code is null ? "promotions" : "codes";
}
