using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>The shop's coupon codes, for the cart's "is this a code we know" check.</summary>
internal sealed class FakePromotionCatalog : IPromotionCatalog
{
    private readonly List<Promotion> _promotions = [];

    public int Lookups { get; private set; }

    public void AddCode(string code, bool enabled = true) => _promotions.Add(new Promotion
    {
        Id = "promo_" + code.ToLowerInvariant(), Name = code, Kind = PromotionKind.PercentOff, Target = PromotionTarget.WholeCart, Percent = 10,
        Stacking = Stacking.Stackable, Priority = 1, Code = code, Eligibility = Eligibility.Everyone, Enabled = enabled,
        CreatedAt = FixedClock.Instant, UpdatedAt = FixedClock.Instant,
    });

    public Task<IReadOnlyList<Promotion>> ListLiveAutomaticAsync(DateTimeOffset at, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Promotion>>(_promotions.Where(p => p.Code is null && p.IsLiveAt(at)).ToList());

    public Task<IReadOnlyList<Promotion>> FindByCodesAsync(IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        Lookups++;
        return Task.FromResult<IReadOnlyList<Promotion>>(_promotions.Where(p => p.Code is not null && codes.Contains(p.Code)).ToList());
    }
}
