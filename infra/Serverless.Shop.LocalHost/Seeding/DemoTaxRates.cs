using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.LocalHost.Seeding;

/// <summary>
/// Demo tax rates for the local shop: the standard and reduced VAT of six EU countries, and the US at 0 (US sales tax
/// needs a real tax service). Demo data, wired only by the local host: in Azure the shop has the rates admins enter
/// (or Stripe Tax), and a place without a rate is refused at checkout. Seeded into the managed rates through the same
/// use case as the API's import, so the demo rows obey every rule real rows do.
/// </summary>
public static class DemoTaxRates
{
    /// <summary>The home country the local host prices carts without an address in (Tax:DefaultCountry).</summary>
    public const string HomeCountry = "DE";

    public static readonly IReadOnlyList<(string Country, string TaxClass, decimal Percent)> Rates =
    [
        ("DE", "standard", 19m), ("DE", "reduced", 7m),
        ("FR", "standard", 20m), ("FR", "reduced", 5.5m),
        ("NL", "standard", 21m), ("NL", "reduced", 9m),
        ("AT", "standard", 20m), ("AT", "reduced", 10m),
        ("IT", "standard", 22m), ("IT", "reduced", 10m),
        ("ES", "standard", 21m), ("ES", "reduced", 10m),
        ("US", "standard", 0m),
    ];

    /// <summary>The local host's tax settings: managed rates, priced from Germany before a cart has an address.</summary>
    public static IReadOnlyDictionary<string, string?> LocalSettings { get; } = new Dictionary<string, string?>
    {
        ["Tax:Source"] = "rates",
        ["Tax:DefaultCountry"] = HomeCountry,
    };

    /// <summary>Adds the demo rates when the table is empty (a developer's own rates are left alone).</summary>
    public static async Task SeedIfEmptyAsync(IServiceProvider services, CancellationToken ct)
    {
        var rates = services.GetRequiredService<ManageTaxRates>();
        if ((await rates.ListAsync(null, ct)).Count > 0) return;
        var line = 1;
        await rates.ImportAsync(Rates.Select(r => new TaxRateImportRow(++line, r.Country, null, r.TaxClass, r.Percent.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList(), ct);
    }
}
