using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

/// <summary>Managed rates without a database: the table given, counting reads.</summary>
public sealed class FixedTaxRateCatalog(ITaxRates rates) : ITaxRateCatalog
{
    public int Reads { get; private set; }

    public Task<ITaxRates> GetRatesAsync(CancellationToken ct)
    {
        Reads++;
        return Task.FromResult(rates);
    }
}
