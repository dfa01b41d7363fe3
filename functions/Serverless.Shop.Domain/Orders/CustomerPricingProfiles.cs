using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Who the buyer is, for promotion eligibility, as far as orders tell: a first order is one by a customer who never paid
/// for an order (one query for a single id). Segments and membership tiers come with the customers capability.
/// </summary>
public sealed class CustomerPricingProfiles(IOrderStore orders) : ICustomerPricingProfiles
{
    public async Task<PricingCustomer> GetAsync(string? customerId, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(customerId)
            ? PricingCustomer.Guest
            : new PricingCustomer(customerId, IsFirstOrder: !await orders.HasPaidOrderAsync(customerId, ct), Segments: [], MembershipTier: null);
}
