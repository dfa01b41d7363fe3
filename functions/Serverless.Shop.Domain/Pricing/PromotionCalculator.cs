namespace Serverless.Shop.Domain.Pricing;

/// <summary>A promotion that passed the checks (live, eligible, code given) and the cart lines it targets.</summary>
internal sealed class Candidate(Promotion promotion, int[] lines, int[][]? bundleComponents, int order)
{
    public Promotion Promotion { get; } = promotion;

    /// <summary>The lines the promotion can discount, in cart order (never empty).</summary>
    public int[] Lines { get; } = lines;

    /// <summary>For bundles: per component, the positions in <see cref="Lines"/> it can take units from.</summary>
    public int[][]? BundleComponents { get; } = bundleComponents;

    /// <summary>Position in priority order (Priority, then CreatedAt, then Id).</summary>
    public int Order { get; } = order;

    public bool IsExclusive => Promotion.Stacking == Stacking.Exclusive;
}

/// <summary>Buffers one pricing request reuses across promotions, so evaluating hundreds of them allocates little.</summary>
internal sealed class Scratch(int lines)
{
    public readonly decimal[] Shares = new decimal[lines];
    public readonly long[] Caps = new long[lines];
    public readonly long[] Discounts = new long[lines];
    public readonly decimal[] UnitPrices = new decimal[lines];
    public readonly int[] Order = new int[lines];
    public readonly long[] Available = new long[lines];
    public readonly List<(int Position, long Units)> Taken = [];
}

/// <summary>
/// What one promotion takes off, given what the targeted lines cost at this point (<c>remaining</c>, minor units, after
/// the promotions applied before it). Each kind first works out the exact (unrounded) share of every line; the sum is
/// rounded once to the minor unit and split back over the lines by largest remainder (<see cref="MoneyRounding.Allocate"/>),
/// never more than a line has left. Cost: proportional to the promotion's lines (plus, for bundles, the sets formed).
/// </summary>
internal static class PromotionCalculator
{
    /// <summary>
    /// Works out the promotion's discount. Returns whether it applies: it takes something off, or it is free shipping
    /// whose conditions hold while the shipping fee is not known yet. <paramref name="discounts"/> (as long as
    /// <see cref="Candidate.Lines"/>) receives the discount per targeted line.
    /// </summary>
    public static bool Evaluate(
        Candidate candidate, PricingContext ctx, ReadOnlySpan<long> remaining, long shippingRemaining, Scratch scratch,
        Span<long> discounts, out long shippingDiscount)
    {
        shippingDiscount = 0;
        discounts.Clear();
        var p = candidate.Promotion;
        var lines = candidate.Lines;
        long taken;
        switch (p.Kind)
        {
            case PromotionKind.PercentOff:
                taken = PercentOff(Percent(p.Percent), lines, remaining, scratch, discounts);
                break;
            case PromotionKind.AmountOff:
                taken = p.Amount is null ? 0 : AmountOff(ctx.ToMinor(p.Amount.Amount), lines, remaining, scratch, discounts);
                break;
            case PromotionKind.Tiered:
                var tier = ReachedTier(p, ctx, lines, remaining);
                taken = tier switch
                {
                    null => 0,
                    { Percent: { } percent } => PercentOff(Percent(percent), lines, remaining, scratch, discounts),
                    { Amount: { } amount } => AmountOff(ctx.ToMinor(amount.Amount), lines, remaining, scratch, discounts),
                    _ => 0,
                };
                break;
            case PromotionKind.BuyXGetY:
                taken = p.BuyXGetY is null ? 0 : BuyXGetY(p.BuyXGetY, ctx, lines, remaining, scratch, discounts);
                break;
            case PromotionKind.Bundle:
                taken = p.Bundle is null || candidate.BundleComponents is null ? 0 : Bundle(p.Bundle, candidate.BundleComponents, ctx, lines, remaining, scratch, discounts);
                break;
            case PromotionKind.FreeShipping:
                if (ctx.ShippingFee is null) return true;
                shippingDiscount = Math.Min(shippingRemaining, MoneyRounding.RoundMinorUnits(shippingRemaining * Percent(p.Percent ?? 100) / 100));
                return shippingDiscount > 0;
            default:
                return false;
        }
        return taken > 0;
    }

    /// <summary>The highest tier the targeted lines reach (exactly at the threshold counts); spend is what they cost at this point.</summary>
    public static PromotionTier? ReachedTier(Promotion p, PricingContext ctx, int[] lines, ReadOnlySpan<long> remaining)
    {
        if (p.Tiers is not { Count: > 0 } tiers || p.TierMeasure is null) return null;
        decimal measure = 0;
        foreach (var line in lines)
            measure += p.TierMeasure == TierMeasure.Spend ? remaining[line] : ctx.Quantities[line];
        var scale = p.TierMeasure == TierMeasure.Spend ? MoneyRounding.Scale(ctx.Digits) : 1m;
        PromotionTier? best = null;
        foreach (var tier in tiers)
            if (tier is not null && tier.Threshold * scale <= measure && (best is null || tier.Threshold > best.Threshold)) best = tier;
        return best;
    }

    /// <summary>How many targeted units a buy-X-get-Y promotion is short of its first free unit (0 when reached).</summary>
    public static long UnitsShortOfBuyXGetY(Promotion p, PricingContext ctx, int[] lines)
    {
        if (p.BuyXGetY is not { Buy: > 0, Get: > 0 } offer) return 0;
        long units = 0;
        foreach (var line in lines) units += ctx.Quantities[line];
        return Math.Max(0, offer.Buy + offer.Get - units);
    }

    private static decimal Percent(decimal? percent) => Math.Clamp(percent ?? 0, 0, 100);

    private static long PercentOff(decimal percent, int[] lines, ReadOnlySpan<long> remaining, Scratch s, Span<long> discounts)
    {
        if (percent == 0) return 0;
        var shares = s.Shares.AsSpan(0, lines.Length);
        var fraction = percent / 100;
        for (var j = 0; j < lines.Length; j++) shares[j] = remaining[lines[j]] * fraction;
        return Distribute(lines, remaining, s, shares, discounts);
    }

    /// <summary>A fixed amount spread over the lines in proportion to what each costs; never more than they cost together.</summary>
    private static long AmountOff(long amount, int[] lines, ReadOnlySpan<long> remaining, Scratch s, Span<long> discounts)
    {
        if (amount <= 0) return 0;
        var weights = s.Shares.AsSpan(0, lines.Length);
        var caps = s.Caps.AsSpan(0, lines.Length);
        long available = 0;
        for (var j = 0; j < lines.Length; j++)
        {
            weights[j] = caps[j] = remaining[lines[j]];
            available += caps[j];
        }
        var total = Math.Min(amount, available);
        MoneyRounding.Allocate(total, weights, caps, discounts);
        return total;
    }

    /// <summary>
    /// For every Buy + Get targeted units, Get units are discounted: the cheapest units of all the targeted ones (so the
    /// customer pays for the dearer ones). "Buy 2 get 1 free" on 3 + 3 units discounts the 2 cheapest units.
    /// </summary>
    private static long BuyXGetY(BuyXGetY offer, PricingContext ctx, int[] lines, ReadOnlySpan<long> remaining, Scratch s, Span<long> discounts)
    {
        if (offer.Buy <= 0 || offer.Get <= 0) return 0;
        var percent = Percent(offer.PercentOff);
        if (percent == 0) return 0;
        long units = 0;
        foreach (var line in lines) units += ctx.Quantities[line];
        var discounted = units / (offer.Buy + offer.Get) * offer.Get;
        if (discounted == 0) return 0;

        var unitPrices = s.UnitPrices.AsSpan(0, lines.Length);
        var order = s.Order.AsSpan(0, lines.Length);
        for (var j = 0; j < lines.Length; j++)
        {
            unitPrices[j] = (decimal)remaining[lines[j]] / ctx.Quantities[lines[j]];
            order[j] = j;
        }
        SortByUnitPrice(order, unitPrices, ascending: true);

        var shares = s.Shares.AsSpan(0, lines.Length);
        shares.Clear();
        foreach (var j in order)
        {
            if (discounted == 0) break;
            var take = Math.Min(discounted, ctx.Quantities[lines[j]]);
            shares[j] = Math.Min(remaining[lines[j]], take * unitPrices[j] * percent / 100);
            discounted -= take;
        }
        return Distribute(lines, remaining, s, shares, discounts);
    }

    /// <summary>
    /// As many complete sets as the cart holds, each for the bundle price. A set is filled component by component, each
    /// from its dearest available units; a unit counts for one component of one set only. Sets stop when the next one
    /// would not be cheaper than its units. Each set's saving is shared by its units in proportion to their prices.
    /// </summary>
    private static long Bundle(BundleOffer offer, int[][] components, PricingContext ctx, int[] lines, ReadOnlySpan<long> remaining, Scratch s, Span<long> discounts)
    {
        if (offer.Components is not { Count: > 0 } || components.Length != offer.Components.Count) return 0;
        var price = ctx.ToMinor(offer.Price.Amount);
        var unitPrices = s.UnitPrices.AsSpan(0, lines.Length);
        var available = s.Available.AsSpan(0, lines.Length);
        var shares = s.Shares.AsSpan(0, lines.Length);
        shares.Clear();
        for (var j = 0; j < lines.Length; j++)
        {
            unitPrices[j] = (decimal)remaining[lines[j]] / ctx.Quantities[lines[j]];
            available[j] = ctx.Quantities[lines[j]];
        }

        // Each component's positions, dearest first; a cursor per component walks them as units run out.
        var sorted = new int[components.Length][];
        for (var k = 0; k < components.Length; k++)
        {
            if (offer.Components[k] is not { Quantity: > 0 }) return 0;
            sorted[k] = (int[])components[k].Clone();
            SortByUnitPrice(sorted[k], unitPrices, ascending: false);
        }
        Span<int> cursors = components.Length <= 16 ? stackalloc int[components.Length] : new int[components.Length];
        cursors.Clear();

        var taken = s.Taken;
        var any = false;
        while (true)
        {
            taken.Clear();
            var complete = true;
            for (var k = 0; k < components.Length && complete; k++)
            {
                long need = offer.Components[k].Quantity;
                var positions = sorted[k];
                var cursor = cursors[k];
                while (need > 0 && cursor < positions.Length)
                {
                    var j = positions[cursor];
                    var take = Math.Min(available[j], need);
                    if (take > 0) { available[j] -= take; need -= take; taken.Add((j, take)); }
                    if (available[j] == 0) cursor++;
                }
                cursors[k] = cursor;
                complete = need == 0;
            }
            decimal value = 0;
            foreach (var (j, units) in taken) value += units * unitPrices[j];
            if (!complete || value <= price) break;
            var saving = value - price;
            foreach (var (j, units) in taken) shares[j] += saving * units * unitPrices[j] / value;
            any = true;
        }
        if (!any) return 0;
        for (var j = 0; j < lines.Length; j++) shares[j] = Math.Min(shares[j], remaining[lines[j]]);
        return Distribute(lines, remaining, s, shares, discounts);
    }

    /// <summary>Rounds the sum of the exact shares once and splits it over the lines by largest remainder.</summary>
    private static long Distribute(int[] lines, ReadOnlySpan<long> remaining, Scratch s, ReadOnlySpan<decimal> shares, Span<long> discounts)
    {
        var caps = s.Caps.AsSpan(0, lines.Length);
        for (var j = 0; j < lines.Length; j++) caps[j] = remaining[lines[j]];
        return MoneyRounding.AllocateShares(shares, caps, discounts);
    }

    // Insertion sort: a promotion's lines are few, and ties must keep cart order for the result to be deterministic.
    private static void SortByUnitPrice(Span<int> positions, ReadOnlySpan<decimal> unitPrices, bool ascending)
    {
        for (var a = 1; a < positions.Length; a++)
        {
            var current = positions[a];
            var b = a - 1;
            while (b >= 0 && (ascending ? unitPrices[positions[b]] > unitPrices[current] : unitPrices[positions[b]] < unitPrices[current]))
            {
                positions[b + 1] = positions[b];
                b--;
            }
            positions[b + 1] = current;
        }
    }
}
