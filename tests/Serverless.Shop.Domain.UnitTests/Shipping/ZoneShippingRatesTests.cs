using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

/// <summary>Zones: a country's zone, and the configuration checks. Their fees are priced by DistanceShippingRatesTests.</summary>
public sealed class ZoneShippingRatesTests
{
    private static readonly ShippingZone Domestic = new("domestic", ["NL"], "local-carrier", "standard", 4.95m, 0.50m, 50m, 1, 2);
    private static readonly ShippingZone Europe = new("eu", ["BE", "DE", "FR"], "local-carrier", "europe", 9.95m, 1.00m, 100m, 2, 5);
    private static readonly ShippingZone World = new("rest-of-world", ["US"], "local-carrier", "international", 24.95m, 2.50m, null, 5, 12);

    private static readonly ZoneShippingRates Rates = new([Domestic, Europe, World], new ShopSettings("EUR"));

    [Fact]
    public void The_zone_of_a_country_is_found()
    {
        Rates.ZoneFor("DE").ShouldBe(Europe);
        Rates.ZoneFor("BR").ShouldBeNull();
        Rates.ZoneFor(null).ShouldBeNull();
    }

    [Fact]
    public void Inconsistent_zones_are_refused_with_every_problem_named()
    {
        var zones = new[]
        {
            Domestic,
            Europe with { Countries = ["DE", "NL", "fr"] },
            World with { Name = "", BaseFee = -1m, FeePerAdditionalItem = 0.005m, EstimatedDaysMin = 5, EstimatedDaysMax = 3 },
        };

        var problems = ZoneShippingRates.Problems(zones, "EUR");

        problems.ShouldContain(p => p.Contains("NL is in zones domestic and eu"));
        problems.ShouldContain(p => p.Contains("'fr' is not an ISO 3166-1 alpha-2 code"));
        problems.ShouldContain("Every zone needs a name.");
        problems.ShouldContain(p => p.Contains("base fee must be from 0"));
        problems.ShouldContain(p => p.Contains("fee per additional item has more decimals than EUR allows"));
        problems.ShouldContain(p => p.Contains("estimated days"));
        Should.Throw<ArgumentException>(() => new ZoneShippingRates(zones, new ShopSettings("EUR")));
    }

    [Fact]
    public void There_must_be_a_zone_and_amounts_must_fit_the_currency()
    {
        ZoneShippingRates.Problems([], "EUR").ShouldBe(["There must be at least one zone."]);
        ZoneShippingRates.Problems([Domestic], "JPY").ShouldContain(p => p.Contains("more decimals than JPY allows (0)"));
        ZoneShippingRates.Problems([Domestic, Europe, World], "EUR").ShouldBeEmpty();
    }
}
