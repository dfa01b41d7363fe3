using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>
/// Points spent at checkout, as pricing sees them: an amount off the goods, applied after every promotion
/// (<see cref="PricingRequest.AppliedLast"/>), so it shows in the price breakdown like a promotion, spread over the lines
/// with their tax. It is not a stored promotion: checkout holds the points in the ledger, not a promotion use.
/// </summary>
public static class PointsDiscount
{
    public const string PromotionId = "loyalty-points";

    public static IReadOnlyList<Promotion> For(int points, LoyaltySettings settings, string currency, DateTimeOffset at) =>
        points <= 0 ? [] :
        [
            new Promotion
            {
                Id = PromotionId,
                Name = $"{points} loyalty points",
                Kind = PromotionKind.AmountOff,
                Target = PromotionTarget.WholeCart,
                Amount = new Money(points * settings.PointValue, currency),
                Stacking = Stacking.Stackable,
                Priority = int.MaxValue,
                Eligibility = Eligibility.Everyone,
                Enabled = true,
                CreatedAt = at,
                UpdatedAt = at,
            },
        ];

    /// <summary>The promotions of a priced order that are real, stored promotions (what coupon-use holds count).</summary>
    public static IReadOnlyList<AppliedPromotion> WithoutPoints(IReadOnlyList<AppliedPromotion> promotions) =>
        promotions.Any(p => p.PromotionId == PromotionId) ? [.. promotions.Where(p => p.PromotionId != PromotionId)] : promotions;

    /// <summary>
    /// Checks the points' discount took their whole value: an order cannot take more points than its goods cost after
    /// promotions (points never pay shipping).
    /// </summary>
    /// <exception cref="BusinessRuleViolationException">The order takes fewer points (field <c>pointsToSpend</c>).</exception>
    public static void EnsureFullyApplied(PricedCart priced, int points, LoyaltySettings settings)
    {
        if (points <= 0) return;
        var applied = priced.Promotions.FirstOrDefault(p => p.PromotionId == PromotionId)?.Discount.Amount ?? 0m;
        if (applied < points * settings.PointValue)
            throw new BusinessRuleViolationException(
                $"This order can take at most {(int)Math.Floor(applied / settings.PointValue)} points (its goods after discounts); you asked to spend {points}.", PointsSpending.Field);
    }
}
