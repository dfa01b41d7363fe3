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
/// The store has no transaction across the counters and the record, so the writes are ordered so that a crash between
/// them can only leave a unit taken that no order holds (availability under-counted), never an order holding a unit
/// that was not counted (over-use): holding takes the units first and writes the record last; releasing marks the record
/// released first and gives the units back last. Units are only given back after an outcome that is certain (the limit
/// was reached, or another writer won the record); after an unknown failure (a time-out) the units stay taken.
/// </para>
/// </summary>
public sealed class PromotionRedemptions(IPromotionStore promotions, IPromotionUsageStore usage, TimeProvider clock) : IPromotionRedemptions
{
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
            // All or nothing: give back what this call took, newest first. A release that fails here leaves a use held,
            // which under-counts availability but never over-uses; the checkout's own compensation releases it again.
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
                if (use is null || use.Value.State != PromotionUseState.Held) break;
                try
                {
                    await usage.SaveUseAsync(use.Value with { State = PromotionUseState.Redeemed, ChangedAt = clock.GetUtcNow() }, use.Version, ct);
                }
                catch (StaleVersionException) when (attempt < MaximumAttempts)
                {
                    continue;
                }
                // Only a report figure: a crash before this leaves it one short, never the limit wrong.
                await usage.TryIncrementAsync(promotionId, UsageCounter.Redemptions, null, CancellationToken.None);
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

            // From the first unit taken on, cancellation is not honoured: stopping half-way would only leak units.
            if (!await usage.TryIncrementAsync(promotion.Id, UsageCounter.Uses, promotion.UsageLimit, CancellationToken.None))
            {
                if (await HeldMeanwhileAsync(promotion.Id, orderId)) return false;
                throw new BusinessRuleViolationException($"{Describe(promotion.Code, promotion.Name)} has been used up.", FieldFor(promotion.Code));
            }
            if (perCustomer && !await usage.TryIncrementAsync(promotion.Id, UsageCounter.Customer(customerId!), promotion.PerCustomerLimit, CancellationToken.None))
            {
                await usage.DecrementAsync(promotion.Id, UsageCounter.Uses, CancellationToken.None);
                if (await HeldMeanwhileAsync(promotion.Id, orderId)) return false;
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
                // Another hold (or release) of the same order wrote the record first: ours was not written, so our units
                // belong to no one. Give them back and look at the record again.
                await GiveBackAsync(promotion.Id, perCustomer ? customerId : null, redeemed: false);
                if (attempt >= MaximumAttempts) throw new BusyResourceException("Promotion");
            }
        }
    }

    /// <summary>
    /// A limit reached may be this very order's doing: a concurrent hold of the same order (a retried step running twice
    /// at once) took the last unit and is about to write its record. Looks again, once at once and once a moment later,
    /// before refusing, so that both calls agree the order holds the use. Only refusals pay for it.
    /// </summary>
    private async Task<bool> HeldMeanwhileAsync(string promotionId, string orderId)
    {
        for (var look = 1; ; look++)
        {
            var use = await usage.FindUseAsync(promotionId, orderId, CancellationToken.None);
            if (use?.Value.State is PromotionUseState.Held or PromotionUseState.Redeemed) return true;
            if (look == 2) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(25), clock);
        }
    }

    private async Task ReleaseOneAsync(string promotionId, string orderId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var use = await usage.FindUseAsync(promotionId, orderId, ct);
            if (use is null || use.Value.State == PromotionUseState.Released) return;
            try
            {
                await usage.SaveUseAsync(use.Value with { State = PromotionUseState.Released, ChangedAt = clock.GetUtcNow() }, use.Version, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                continue;
            }
            await GiveBackAsync(promotionId, use.Value.CountedForCustomer ? use.Value.CustomerId : null, use.Value.State == PromotionUseState.Redeemed);
            return;
        }
    }

    private async Task GiveBackAsync(string promotionId, string? customerId, bool redeemed)
    {
        await usage.DecrementAsync(promotionId, UsageCounter.Uses, CancellationToken.None);
        if (customerId is not null) await usage.DecrementAsync(promotionId, UsageCounter.Customer(customerId), CancellationToken.None);
        if (redeemed) await usage.DecrementAsync(promotionId, UsageCounter.Redemptions, CancellationToken.None);
    }

    private static void RequireOrderId(string orderId)
    {
        if (!Ids.IsWellFormed(orderId)) throw ValidationFailedException.For("orderId", "is not a well-formed order id.");
    }

    private static string Describe(string? code, string name) => code is null ? $"The promotion '{name}'" : $"The code {code}";

    private static string FieldFor(string? code) => code is null ? "promotions" : "codes";
}
