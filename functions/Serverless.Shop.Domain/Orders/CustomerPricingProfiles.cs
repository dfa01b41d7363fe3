using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Who the buyer is, for promotion eligibility: a first order is one by a customer who never paid for an order (one
/// query for a single id); the membership tier and segments come from the customer's purchase history
/// (<see cref="ICustomerStandings"/>, one point read, made at the same time as the query).
/// </summary>
public sealed class CustomerPricingProfiles(IOrderStore orders, ICustomerStandings? standings = null) : ICustomerPricingProfiles
{
    public async Task<PricingCustomer> GetAsync(string? customerId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(customerId)) return PricingCustomer.Guest;
        var paidRead = orders.HasPaidOrderAsync(customerId, ct);
        var standingRead = standings?.GetStandingAsync(customerId, ct) ?? Task.FromResult(new CustomerStanding(null, []));
        await Task.WhenAll(paidRead, standingRead);
        return new PricingCustomer(customerId, IsFirstOrder: !paidRead.Result, standingRead.Result.Segments, standingRead.Result.Tier);
    }
}
