using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Shipping;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// POST /api/shipping/options over HTTP on the local shop: its geocoder on the bundled GeoNames places, its default
/// origin in Utrecht, products with measurements made through the catalog API.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ShippingOptionsApiTests(LocalShopFixture fixture)
{
    private readonly HttpClient _shopper = fixture.Client();
    private readonly TestCatalog _catalog = new(fixture);

    private static object Address(string city, string country = "NL", string postalCode = "3511 AA") =>
        new { name = "Anna de Vries", line1 = "Oudegracht 1", city, postalCode, country };

    private async Task<(string ProductId, string Sku)> ProductAsync(int grams, int lengthMm = 120, int widthMm = 90, int heightMm = 100)
    {
        var sku = TestCatalog.Unique("PARCEL").ToUpperInvariant();
        var body = new
        {
            name = TestCatalog.Unique("Boxed"),
            status = "active",
            variants = new[] { new { sku, price = new { amount = 12.50m, currency = "EUR" } } },
            measurements = new { weightGrams = grams, lengthMm, widthMm, heightMm },
        };
        var (id, _, _) = await _catalog.CreateProductAsync(body);
        return (id, sku);
    }

    private static object Body(object address, (string ProductId, string Sku) product, int quantity = 1, decimal subtotal = 20m) => new
    {
        address,
        items = new[] { new { productId = product.ProductId, sku = product.Sku, quantity } },
        subtotal = new { amount = subtotal, currency = "EUR" },
    };

    private async Task<JsonElement> OptionsOkAsync(object body)
    {
        var response = await _shopper.PostJsonAsync("api/shipping/options", body);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }

    private static decimal Fee(JsonElement options, string service) =>
        options.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("service").GetString()!.Equals(service, StringComparison.OrdinalIgnoreCase))
            .GetProperty("fee").GetProperty("amount").GetDecimal();

    [Fact]
    public async Task A_shopper_gets_standard_and_express_with_fees_and_dates_and_a_farther_city_pays_more()
    {
        var mug = await ProductAsync(350);

        var near = await OptionsOkAsync(Body(Address("Utrecht"), mug));
        var far = await OptionsOkAsync(Body(Address("Groningen", postalCode: "9711 AA"), mug));

        near.GetProperty("zone").GetString().ShouldBe("domestic");
        // The nearest warehouse that ships to NL: the local host's one, in Utrecht.
        near.GetProperty("origin").GetString().ShouldBe("Main warehouse");
        near.GetProperty("parcels")[0].GetProperty("warehouseId").GetString().ShouldBe("main");
        near.GetProperty("locatedBy").GetString()!.ShouldBe("city", StringCompareShould.IgnoreCase);
        near.GetProperty("distanceKm").GetDouble().ShouldBeLessThan(5);
        near.GetProperty("weightGrams").GetInt32().ShouldBe(350);
        Fee(near, "standard").ShouldBe(4.95m);
        Fee(near, "express").ShouldBe(9.90m);
        var standard = near.GetProperty("services")[0];
        DateOnly.Parse(standard.GetProperty("earliestDelivery").GetString()!).ShouldBeGreaterThan(DateOnly.Parse(standard.GetProperty("dispatchDate").GetString()!));
        far.GetProperty("distanceKm").GetDouble().ShouldBeInRange(150, 250);
        Fee(far, "standard").ShouldBe(4.95m + 1.50m);
    }

    [Fact]
    public async Task An_address_that_cannot_be_located_is_priced_by_its_zone_and_the_quote_says_so()
    {
        var options = await OptionsOkAsync(Body(Address("Nergenshuizen-aan-Zee"), await ProductAsync(350)));

        // The shop's JSON leaves out what is null: no distance, no precision.
        options.TryGetProperty("distanceKm", out _).ShouldBeFalse();
        options.TryGetProperty("locatedBy", out _).ShouldBeFalse();
        options.GetProperty("note").GetString().ShouldBe(DistanceShippingRates.NotLocatedNote);
        Fee(options, "standard").ShouldBe(4.95m + 6.00m);
    }

    [Fact]
    public async Task A_parcel_over_the_weight_limit_is_refused_on_the_items()
    {
        var body = Body(Address("Utrecht"), await ProductAsync(20_000), quantity: 2);

        var problem = await ShouldBeProblem(await _shopper.PostJsonAsync("api/shipping/options", body), HttpStatusCode.Conflict, "items");

        problem.GetProperty("detail").GetString()!.ShouldContain("31.5 kg");
    }

    [Theory]
    [InlineData(-1, "measurements.weightGrams")]
    [InlineData(2_000_000, "measurements.weightGrams")]
    public async Task A_product_with_a_negative_or_absurd_weight_is_refused_on_the_field(int grams, string field)
    {
        var body = new
        {
            name = TestCatalog.Unique("Heavy"),
            variants = new[] { new { sku = TestCatalog.Unique("SKU").ToUpperInvariant(), price = new { amount = 1m, currency = "EUR" } } },
            measurements = new { weightGrams = grams, lengthMm = 100, widthMm = 100, heightMm = 100 },
        };

        await ShouldBeProblem(await _catalog.Merchandiser.PostJsonAsync("api/products", body), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_malformed_product_id_and_a_country_not_shipped_to_are_refused_on_their_fields()
    {
        var mug = await ProductAsync(350);

        await ShouldBeProblem(await _shopper.PostJsonAsync("api/shipping/options", Body(Address("Utrecht"), ("not an id!", mug.Sku))), HttpStatusCode.BadRequest, "items[0].productId");
        await ShouldBeProblem(await _shopper.PostJsonAsync("api/shipping/options", Body(Address("Recife", "BR", "50000-000"), mug)), HttpStatusCode.Conflict, "address.country");
    }
}
