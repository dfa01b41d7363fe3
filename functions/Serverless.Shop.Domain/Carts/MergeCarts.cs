using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Carts;

/// <summary>At sign-in, a shopper's anonymous cart joins their customer cart (<see cref="ManageCarts"/> makes that one).</summary>
public sealed class MergeCarts(ICartStore carts, ManageStock stock, ICartPricing pricing, CartSettings settings, TimeProvider clock)
{
    private readonly CartChanges _changes = new(carts, pricing, settings, clock);

    /// <summary>
    /// Takes the anonymous cart (opened with its token) into the customer's cart, then deletes it. Units of the same
    /// variant add up (capped), codes are united; what does not fit comes back as warnings. Repeating the merge after it
    /// succeeded (the anonymous cart is gone) returns the customer's cart unchanged.
    /// </summary>
    public async Task<Versioned<CartView>> MergeAsync(string targetCartId, MergeCartsInput input, CartAccess access, CancellationToken ct)
    {
        var v = new Validator();
        var sourceId = input.SourceCartId?.Trim();
        if (v.Required(sourceId, "sourceCartId"))
            v.Check(sourceId != targetCartId, "sourceCartId", "must be another cart than the one merged into.");
        v.Required(input.SourceCartToken, "sourceCartToken");
        v.ThrowIfInvalid();

        var target = await _changes.OpenAsync(targetCartId, access, forChange: true, ct);
        if (target.Value.IsAnonymous)
            throw new BusinessRuleViolationException("Merge into your customer cart: sign in and create it with POST /api/carts.");

        var source = CartRules.IsCartId(sourceId) ? await carts.FindAsync(sourceId!, ct) : null;
        var now = clock.GetUtcNow();
        if (source is null || source.Value.IsExpiredAt(now) || target.Value.MergedCartIds.Contains(sourceId!))
        {
            // Merged before (maybe by a request that died before deleting it), expired, or never there: nothing to take over.
            if (source is not null) await carts.DeleteAsync(sourceId!, ct);
            return await _changes.ViewAsync(target, [], ct);
        }
        if (!source.Value.OpensWith(input.SourceCartToken))
            throw new ResourceNotFoundException("Cart", sourceId!);

        var skus = source.Value.Lines.Select(l => l.Sku).Distinct().ToList();
        var available = skus.Count == 0 ? new Dictionary<string, int>() : await stock.GetAvailableAsync(skus, ct);
        IReadOnlyList<CartWarning> warnings = [];
        var merged = await _changes.ChangeAsync(target, access, null, c =>
        {
            (var after, warnings) = c.MergeFrom(source.Value);
            return after;
        }, ct);
        // Deleted only after the merge is saved: a crash in between leaves the anonymous cart, and the remembered merge
        // makes the retry delete it without adding its lines twice.
        await carts.DeleteAsync(sourceId!, ct);

        var shortages = skus
            .Where(s => merged.Value.QuantityOf(s) > available.GetValueOrDefault(s))
            .Select(s => new CartWarning(CartWarning.NotEnoughStock, $"{s}: {merged.Value.QuantityOf(s)} in the cart, {available.GetValueOrDefault(s)} available.")
                { Sku = s, Available = available.GetValueOrDefault(s), LineId = merged.Value.Lines.First(l => l.Sku == s).LineId });
        return await _changes.ViewAsync(merged, [.. warnings, .. shortages], ct);
    }
}
