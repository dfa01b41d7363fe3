using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>
/// A stand-in for the pricing engine: every unit costs <see cref="UnitPrice"/>, no promotions, no tax. Codes listed in
/// <see cref="Rejections"/> come back as rejected with their reason, lines in <see cref="Problems"/> with their problem.
/// It records what it was asked, so tests see exactly what the cart sent to pricing.
/// </summary>
internal sealed class FakeCartPricing : ICartPricing
{
    public decimal UnitPrice { get; set; } = 10m;
    public Dictionary<string, string> Rejections { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Problems { get; } = new(StringComparer.Ordinal);
    public List<CartPricingInput> Requests { get; } = [];

    public CartPricingInput LastRequest => Requests[^1];

    public Task<PricedCart> PriceAsync(CartPricingInput input, CancellationToken ct)
    {
        Requests.Add(input);
        Money M(decimal amount) => new(amount, "EUR");
        var lines = input.Lines.Select(l =>
        {
            var problem = Problems.GetValueOrDefault(l.Sku);
            var total = problem is null ? UnitPrice * l.Quantity : 0m;
            return new PricedLine(l.LineId, l.ProductId, l.Sku, l.Sku, l.Quantity, M(UnitPrice), null, M(total), [], M(0), M(total), 0m, M(0), M(total), problem);
        }).ToList();
        var subtotal = lines.Sum(l => l.Total.Amount);
        var rejected = input.Codes.Where(Rejections.ContainsKey).Select(c => new CodeRejection(c, Rejections[c])).ToList();
        return Task.FromResult(new PricedCart("EUR", lines, [], rejected, M(subtotal), M(0), M(0), M(0), M(0), M(0), M(subtotal), M(subtotal), true));
    }
}
