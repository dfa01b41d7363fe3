using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// Prices a cart: applies promotions, rounds, and adds tax. Pure and deterministic: the same request and promotions
/// always give the same result, whatever order the promotions come in. How promotions combine (docs/pricing.md):
/// <list type="number">
/// <item><b>Screening.</b> A promotion takes part when it is live at the request's time, its code (if it has one) is on
/// the cart, the customer is eligible, and the cart holds something it targets. Candidates are put in priority order:
/// <see cref="Promotion.Priority"/> (lower first), then <see cref="Promotion.CreatedAt"/>, then id.</item>
/// <item><b>Applying in order.</b> Promotions apply one after another on what the lines cost after the earlier ones, so
/// 10 % then 10 % takes 19 %, and an amount off never takes more than is left.</item>
/// <item><see cref="StackingStrategy.InPriorityOrder"/>: walk the candidates in priority order, applying each stackable
/// promotion that takes something off. An exclusive promotion applies only if nothing has applied before it, and then
/// it is the only one: the walk stops. An exclusive promotion met after others applied is skipped.</item>
/// <item><see cref="StackingStrategy.BestForCustomer"/>: compare (a) every stackable promotion applied in priority order
/// with (b) each exclusive promotion alone, and keep the one with the lowest total the customer pays (tax and shipping
/// included). Ties keep (a), unless (a) applies nothing; among exclusives the earlier in priority order wins a tie. This
/// is one pass over the stackables plus one evaluation per exclusive (proportional to the lines each one targets), not
/// a search of all subsets: stackables never make each other worse, so the only real choices are which exclusive
/// promotion, if any, replaces the stack.</item>
/// </list>
/// Lines the cart cannot sell (<see cref="PricedLine.Problem"/>) are not given to the engine: <see cref="PriceCart"/>
/// adds them afterwards at zero. Usage limits are not the engine's business either (see <see cref="IPromotionRedemptions"/>).
/// </summary>
public sealed class PromotionEngine(PricingSettings settings, ITaxRates? taxRates = null)
{
    public PricingSettings Settings { get; } = settings;

    /// <summary>Prices with the rates the engine was made with.</summary>
    public PricedCart Price(PricingRequest request, IReadOnlyList<Promotion> candidates) =>
        Price(request, candidates, taxRates ?? throw new InvalidOperationException("This engine was made without tax rates: pass them to Price."));

    /// <summary>Prices with <paramref name="rates"/> (the tax source's table, read once per request by <see cref="PriceCart"/>).</summary>
    /// <exception cref="NoTaxRateException">The request names a place the rates do not cover.</exception>
    public PricedCart Price(PricingRequest request, IReadOnlyList<Promotion> candidates, ITaxRates rates)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(rates);
        var ctx = PricingContext.For(request, Settings, rates);
        var screened = PromotionScreening.Screen(ctx, candidates);
        var scratch = new Scratch(ctx.Lines.Length);
        var outcome = Settings.Strategy == StackingStrategy.InPriorityOrder
            ? ApplyInPriorityOrder(ctx, screened.Candidates, scratch)
            : ApplyBestForCustomer(ctx, screened.Candidates, scratch);
        var rejections = ExplainCodes(ctx, screened, outcome, scratch, Settings.Strategy);
        if (request.AppliedLast.Count > 0) outcome = ApplyLast(ctx, outcome, PromotionScreening.Screen(ctx, request.AppliedLast).Candidates, scratch);
        return Build(ctx, outcome, rejections);
    }

    /// <summary>What one promotion took off: per targeted line (aligned with <see cref="Candidate.Lines"/>) and from shipping.</summary>
    private sealed record Application(Candidate Candidate, long[] LineDiscounts, long ShippingDiscount)
    {
        public long Total => LineDiscounts.Sum() + ShippingDiscount;
    }

    private sealed record Outcome(IReadOnlyList<Application> Applied, Candidate? ExclusiveWinner);

    private static Outcome ApplyInPriorityOrder(PricingContext ctx, IReadOnlyList<Candidate> candidates, Scratch scratch) =>
        ApplyInTurn(ctx, candidates, scratch, includeExclusives: true);

    /// <summary>
    /// Applies the candidates one after another on what is left. An exclusive one (when included) applies only first,
    /// and then alone.
    /// </summary>
    private static Outcome ApplyInTurn(PricingContext ctx, IReadOnlyList<Candidate> candidates, Scratch scratch, bool includeExclusives)
    {
        var remaining = (long[])ctx.ListTotals.Clone();
        var shipping = ctx.ShippingFee ?? 0;
        var applied = new List<Application>();
        foreach (var c in candidates)
        {
            if (c.IsExclusive && (!includeExclusives || applied.Count > 0)) continue;
            var discounts = scratch.Discounts.AsSpan(0, c.Lines.Length);
            if (!PromotionCalculator.Evaluate(c, ctx, remaining, shipping, scratch, discounts, out var shippingDiscount)) continue;
            for (var j = 0; j < c.Lines.Length; j++) remaining[c.Lines[j]] -= discounts[j];
            shipping -= shippingDiscount;
            applied.Add(new Application(c, discounts.ToArray(), shippingDiscount));
            if (c.IsExclusive) return new Outcome(applied, c);
        }
        return new Outcome(applied, null);
    }

    private static Outcome ApplyBestForCustomer(PricingContext ctx, IReadOnlyList<Candidate> candidates, Scratch scratch)
    {
        var stack = ApplyInTurn(ctx, candidates, scratch, includeExclusives: false);
        var bestTotal = TotalAfter(ctx, stack.Applied);
        Candidate? best = null;
        foreach (var c in candidates)
        {
            if (!c.IsExclusive) continue;
            var discounts = scratch.Discounts.AsSpan(0, c.Lines.Length);
            if (!PromotionCalculator.Evaluate(c, ctx, ctx.ListTotals, ctx.ShippingFee ?? 0, scratch, discounts, out var shippingDiscount)) continue;
            var total = TotalAfter(ctx, c, discounts, shippingDiscount);
            if (total < bestTotal || (best is null && stack.Applied.Count == 0))
            {
                best = c;
                bestTotal = total;
            }
        }
        if (best is null) return stack;

        var winner = scratch.Discounts.AsSpan(0, best.Lines.Length);
        PromotionCalculator.Evaluate(best, ctx, ctx.ListTotals, ctx.ShippingFee ?? 0, scratch, winner, out var winnerShipping);
        return new Outcome([new Application(best, winner.ToArray(), winnerShipping)], best);
    }

    /// <summary>The request's <see cref="PricingRequest.AppliedLast"/> discounts, each on what the chosen promotions left.</summary>
    private static Outcome ApplyLast(PricingContext ctx, Outcome outcome, IReadOnlyList<Candidate> last, Scratch scratch)
    {
        var remaining = (long[])ctx.ListTotals.Clone();
        var shipping = ctx.ShippingFee ?? 0;
        foreach (var a in outcome.Applied)
        {
            for (var j = 0; j < a.Candidate.Lines.Length; j++) remaining[a.Candidate.Lines[j]] -= a.LineDiscounts[j];
            shipping -= a.ShippingDiscount;
        }
        var applied = outcome.Applied.ToList();
        foreach (var c in last)
        {
            var discounts = scratch.Discounts.AsSpan(0, c.Lines.Length);
            if (!PromotionCalculator.Evaluate(c, ctx, remaining, shipping, scratch, discounts, out var shippingDiscount)) continue;
            for (var j = 0; j < c.Lines.Length; j++) remaining[c.Lines[j]] -= discounts[j];
            shipping -= shippingDiscount;
            applied.Add(new Application(c, discounts.ToArray(), shippingDiscount));
        }
        return outcome with { Applied = applied };
    }

    /// <summary>What the customer pays, tax and shipping included, after these promotions.</summary>
    private static long TotalAfter(PricingContext ctx, IReadOnlyList<Application> applied)
    {
        var remaining = (long[])ctx.ListTotals.Clone();
        var shipping = ctx.ShippingFee ?? 0;
        foreach (var a in applied)
        {
            for (var j = 0; j < a.Candidate.Lines.Length; j++) remaining[a.Candidate.Lines[j]] -= a.LineDiscounts[j];
            shipping -= a.ShippingDiscount;
        }
        long total = ctx.ShippingTotal(shipping);
        for (var i = 0; i < remaining.Length; i++) total += ctx.LineTotal(i, remaining[i]);
        return total;
    }

    /// <summary>The same for one promotion alone, touching only its own lines.</summary>
    private static long TotalAfter(PricingContext ctx, Candidate c, ReadOnlySpan<long> discounts, long shippingDiscount)
    {
        long total = ctx.BaseTotal + ctx.ShippingTotal((ctx.ShippingFee ?? 0) - shippingDiscount);
        for (var j = 0; j < c.Lines.Length; j++)
        {
            var line = c.Lines[j];
            total += ctx.LineTotal(line, ctx.ListTotals[line] - discounts[j]) - ctx.BaseLineTotals[line];
        }
        return total;
    }

    /// <summary>A reason for every code on the cart that gives nothing, in the order the codes were given.</summary>
    private static List<CodeRejection> ExplainCodes(PricingContext ctx, Screened screened, Outcome outcome, Scratch scratch, StackingStrategy strategy)
    {
        var rejections = new List<CodeRejection>();
        var applied = outcome.Applied.Select(a => a.Candidate).ToHashSet();
        foreach (var code in screened.Codes)
        {
            if (screened.RejectedCodes.TryGetValue(code, out var reason))
            {
                rejections.Add(new CodeRejection(code, reason));
                continue;
            }
            var c = screened.CandidatesByCode[code];
            if (applied.Contains(c)) continue;
            rejections.Add(new CodeRejection(code, WhyLeftOut(ctx, c, outcome, scratch, strategy)));
        }
        return rejections;
    }

    private static string WhyLeftOut(PricingContext ctx, Candidate c, Outcome outcome, Scratch scratch, StackingStrategy strategy)
    {
        var discounts = scratch.Discounts.AsSpan(0, c.Lines.Length);
        if (!PromotionCalculator.Evaluate(c, ctx, ctx.ListTotals, ctx.ShippingFee ?? 0, scratch, discounts, out _))
            return NothingQualifies(ctx, c);
        if (outcome.ExclusiveWinner is { } winner && winner != c) return $"This code cannot be combined with {winner.Promotion.Name}.";
        if (c.IsExclusive)
            return $"This code cannot be combined with {string.Join(", ", outcome.Applied.Select(a => a.Candidate.Promotion.Name))}"
                   + (strategy == StackingStrategy.BestForCustomer ? ", which together save more." : ".");
        return "The cart's other promotions leave nothing for this code to take off.";
    }

    private static string NothingQualifies(PricingContext ctx, Candidate c)
    {
        var p = c.Promotion;
        switch (p.Kind)
        {
            case PromotionKind.BuyXGetY when PromotionCalculator.UnitsShortOfBuyXGetY(p, ctx, c.Lines) is > 0 and var missing:
                return $"Add {missing} more qualifying item{(missing == 1 ? "" : "s")} to use this code.";
            case PromotionKind.Tiered when p.Tiers is { Count: > 0 } tiers:
                var first = tiers.Where(t => t is not null).Min(t => t.Threshold);
                return p.TierMeasure == TierMeasure.Quantity
                    ? $"This code needs at least {first:0.##} qualifying items."
                    : $"This code needs qualifying items worth at least {ctx.ToMoney(ctx.ToMinor(first))}.";
            case PromotionKind.Bundle:
                return "The cart does not hold a complete bundle for this code.";
            case PromotionKind.FreeShipping when ctx.ShippingFee is 0:
                return "Shipping is already free.";
            default:
                return PromotionScreening.NothingQualifies;
        }
    }

    private static PricedCart Build(PricingContext ctx, Outcome outcome, IReadOnlyList<CodeRejection> rejections)
    {
        var count = ctx.Lines.Length;
        var lineDiscounts = new List<AppliedDiscount>?[count];
        var discountTotals = new long[count];
        long shippingDiscount = 0;
        var promotions = new List<AppliedPromotion>(outcome.Applied.Count);
        foreach (var a in outcome.Applied)
        {
            var p = a.Candidate.Promotion;
            var code = p.Code?.Trim().ToUpperInvariant();
            for (var j = 0; j < a.Candidate.Lines.Length; j++)
            {
                if (a.LineDiscounts[j] == 0) continue;
                var line = a.Candidate.Lines[j];
                (lineDiscounts[line] ??= []).Add(new AppliedDiscount(p.Id, p.Name, code, ctx.ToMoney(a.LineDiscounts[j])));
                discountTotals[line] += a.LineDiscounts[j];
            }
            shippingDiscount += a.ShippingDiscount;
            promotions.Add(new AppliedPromotion(p.Id, p.Name, code, ctx.ToMoney(a.Total)));
        }

        var lines = new PricedLine[count];
        long subtotal = 0, discountTotal = 0, taxTotal = 0, net = 0, total = 0;
        for (var i = 0; i < count; i++)
        {
            var source = ctx.Lines[i];
            var amount = ctx.ListTotals[i] - discountTotals[i];
            var tax = ctx.TaxOn(amount, ctx.TaxRates[i]);
            var lineNet = ctx.PricesIncludeTax ? amount - tax : amount;
            var lineTotal = lineNet + tax;
            lines[i] = new PricedLine(
                source.LineId, source.ProductId, source.Sku, source.Name, source.Quantity,
                source.UnitListPrice, source.UnitSalePrice, ctx.ToMoney(ctx.ListTotals[i]),
                (IReadOnlyList<AppliedDiscount>?)lineDiscounts[i] ?? [], ctx.ToMoney(discountTotals[i]), ctx.ToMoney(lineNet),
                ctx.TaxRates[i], ctx.ToMoney(tax), ctx.ToMoney(lineTotal), null) { FlashSaleId = source.FlashSaleId };
            subtotal += ctx.ListTotals[i];
            discountTotal += discountTotals[i];
            taxTotal += tax;
            net += lineNet;
            total += lineTotal;
        }

        var fee = ctx.ShippingFee ?? 0;
        var shippingCharged = fee - shippingDiscount;
        var shippingTax = ctx.TaxOn(shippingCharged, ctx.ShippingTaxRate);
        var shippingNet = ctx.PricesIncludeTax ? shippingCharged - shippingTax : shippingCharged;

        return new PricedCart(
            ctx.Currency, lines, promotions, rejections,
            Subtotal: ctx.ToMoney(subtotal), DiscountTotal: ctx.ToMoney(discountTotal),
            ShippingFee: ctx.ToMoney(fee), ShippingDiscount: ctx.ToMoney(shippingDiscount), ShippingTax: ctx.ToMoney(shippingTax),
            TaxTotal: ctx.ToMoney(taxTotal + shippingTax),
            TotalExcludingTax: ctx.ToMoney(net + shippingNet),
            Total: ctx.ToMoney(total + shippingNet + shippingTax),
            PricesIncludeTax: ctx.PricesIncludeTax);
    }
}
