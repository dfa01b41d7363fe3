using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

/// <summary>Promotions in memory, answering as the real catalog does; records the codes it was asked for.</summary>
internal sealed class InMemoryPromotionCatalog : IPromotionCatalog
{
    private readonly List<Promotion> _promotions = [];

    public List<IReadOnlyCollection<string>> CodeLookups { get; } = [];
    public List<DateTimeOffset> LiveLookups { get; } = [];

    public InMemoryPromotionCatalog Add(params Promotion[] promotions)
    {
        _promotions.AddRange(promotions);
        return this;
    }

    public Task<IReadOnlyList<Promotion>> ListLiveAutomaticAsync(DateTimeOffset at, CancellationToken ct)
    {
        LiveLookups.Add(at);
        return Task.FromResult<IReadOnlyList<Promotion>>(_promotions.Where(p => p.Code is null && p.IsLiveAt(at)).ToList());
    }

    public Task<IReadOnlyList<Promotion>> FindByCodesAsync(IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        CodeLookups.Add(codes.ToList());
        return Task.FromResult<IReadOnlyList<Promotion>>(_promotions.Where(p => p.Code is not null && codes.Contains(p.Code)).ToList());
    }
}

/// <summary>Customers' pricing profiles by id; anyone unknown (and every guest) is <see cref="PricingCustomer.Guest"/>.</summary>
internal sealed class FakeCustomerPricingProfiles : ICustomerPricingProfiles
{
    private readonly Dictionary<string, PricingCustomer> _customers = new(StringComparer.Ordinal);

    public FakeCustomerPricingProfiles Add(PricingCustomer customer)
    {
        _customers[customer.CustomerId!] = customer;
        return this;
    }

    public Task<PricingCustomer> GetAsync(string? customerId, CancellationToken ct) =>
        Task.FromResult(customerId is not null && _customers.TryGetValue(customerId, out var c) ? c : PricingCustomer.Guest);
}
