using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.LocalHost.Simulators;
using Serverless.Shop.Infrastructure.Shipping;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Shipping quotes for shoppers (no sign-in), bad addresses, countries the shop does not ship to, and the local carrier's tracking page.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class ShippingApiTests(LocalShopFixture fixture)
{
    private readonly HttpClient _shopper = fixture.Client();

    private static object Address(string country = "NL", string postalCode = "1015 CJ", string? name = "Anna de Vries", string? line1 = "Keizersgracht 123", string? city = "Amsterdam") =>
        new { name, line1, city, postalCode, country };

    private static object Body(object? address = null, decimal subtotal = 20m, string currency = "EUR", params (string Sku, int Quantity)[] items) => new
    {
        address = address ?? Address(),
        items = (items.Length == 0 ? [("MUG-RED", 1)] : items).Select(i => new { sku = i.Sku, quantity = i.Quantity }).ToArray(),
        subtotal = new { amount = subtotal, currency },
    };

    private async Task<JsonElement> QuoteOkAsync(object body)
    {
        var response = await _shopper.PostJsonAsync("api/shipping/quotes", body);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }

    // The quote is checkout's standard service (DistanceShippingRates): SKUs sent without a productId have no
    // measurements, so each unit counts as a 500 g shoebox of 6 000 cm³ (1.2 kg by volume at 5 000 cm³/kg), and the
    // parcel leaves from the local host's warehouse in Utrecht (Amsterdam is in the first distance band, no surcharge).

    [Fact]
    public async Task A_shopper_without_an_account_gets_the_fee_service_and_delivery_estimate_for_a_domestic_address()
    {
        var quote = await QuoteOkAsync(Body(items: [("MUG-RED", 2), ("CUP-BLUE", 1)]));

        quote.GetProperty("carrier").GetString().ShouldBe("local-carrier");
        quote.GetProperty("service").GetString().ShouldBe("standard");
        // Three shoeboxes: 18 000 cm³ is 3.6 kg by volume, four started kilograms: 4.95 for the first, 0.50 for each further one.
        quote.GetProperty("fee").GetProperty("amount").GetDecimal().ShouldBe(4.95m + 3 * 0.50m);
        quote.GetProperty("fee").GetProperty("currency").GetString().ShouldBe("EUR");
        quote.GetProperty("estimatedDaysMin").GetInt32().ShouldBe(1);
        quote.GetProperty("estimatedDaysMax").GetInt32().ShouldBe(2);
    }

    [Theory]
    [InlineData(49.99, 5.45)] // one shoebox: 1.2 kg by volume, two started kilograms
    [InlineData(50, 0)]
    public async Task Shipping_within_the_country_is_free_from_50_euros(decimal subtotal, decimal fee)
    {
        (await QuoteOkAsync(Body(subtotal: subtotal))).GetProperty("fee").GetProperty("amount").GetDecimal().ShouldBe(fee);
    }

    [Fact]
    public async Task Other_eu_and_world_addresses_are_quoted_by_their_zone_and_distance()
    {
        var berlin = await QuoteOkAsync(Body(Address("DE", "10115", city: "Berlin")));
        var sanFrancisco = await QuoteOkAsync(Body(Address("US", "94105-1234", city: "San Francisco")));

        // eu: 9.95 and 1.00 per further kilogram, 2 to 5 days; Berlin is about 575 km from Utrecht (the 3.00 band).
        (berlin.GetProperty("fee").GetProperty("amount").GetDecimal(), berlin.GetProperty("estimatedDaysMin").GetInt32(), berlin.GetProperty("estimatedDaysMax").GetInt32())
            .ShouldBe((9.95m + 1.00m + 3.00m, 2, 5));
        // rest-of-world: 24.95 and 2.50, 5 to 12 days; farther than 1 000 km (the 6.00 band).
        (sanFrancisco.GetProperty("fee").GetProperty("amount").GetDecimal(), sanFrancisco.GetProperty("estimatedDaysMin").GetInt32(), sanFrancisco.GetProperty("estimatedDaysMax").GetInt32())
            .ShouldBe((24.95m + 2.50m + 6.00m, 5, 12));
    }

    [Theory]
    [InlineData("BR", "01310-100")]
    [InlineData("AQ", "BIQQ 1ZZ")]
    public async Task A_country_the_shop_does_not_ship_to_is_a_409_naming_the_country(string country, string postalCode)
    {
        var problem = await ShouldBeProblem(await _shopper.PostJsonAsync("api/shipping/quotes", Body(Address(country, postalCode))), HttpStatusCode.Conflict, "address.country");

        problem.GetProperty("type").GetString().ShouldEndWith("/rule-violated");
        problem.GetProperty("detail").GetString().ShouldBe($"We do not ship to {country}.");
    }

    [Theory]
    [InlineData("NL", "10150", "address.postalCode")]
    [InlineData("DE", "1011", "address.postalCode")]
    [InlineData("GB", "12345", "address.postalCode")]
    [InlineData("US", "9410", "address.postalCode")]
    [InlineData("nl", "1015 CJ", "address.country")]
    [InlineData("NLD", "1015 CJ", "address.country")]
    public async Task A_postal_code_or_country_that_cannot_be_right_is_a_400_naming_it(string country, string postalCode, string field)
    {
        await ShouldBeProblem(await _shopper.PostJsonAsync("api/shipping/quotes", Body(Address(country, postalCode))), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Every_missing_part_of_the_address_is_named_at_once()
    {
        var problem = await ShouldBeProblem(await _shopper.PostJsonAsync("api/shipping/quotes", Body(Address(name: null, line1: " ", city: null))), HttpStatusCode.BadRequest);

        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe(["address.name", "address.line1", "address.city"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("""{"items":[{"sku":"MUG-RED","quantity":1}],"subtotal":{"amount":20,"currency":"EUR"}}""", "address")]
    [InlineData("""{"address":{"name":"A","line1":"B","city":"C","postalCode":"1015 CJ","country":"NL"},"subtotal":{"amount":20,"currency":"EUR"}}""", "items")]
    [InlineData("""{"address":{"name":"A","line1":"B","city":"C","postalCode":"1015 CJ","country":"NL"},"items":[],"subtotal":{"amount":20,"currency":"EUR"}}""", "items")]
    [InlineData("""{"address":{"name":"A","line1":"B","city":"C","postalCode":"1015 CJ","country":"NL"},"items":[{"sku":"MUG-RED","quantity":0}],"subtotal":{"amount":20,"currency":"EUR"}}""", "items[0].quantity")]
    [InlineData("""{"address":{"name":"A","line1":"B","city":"C","postalCode":"1015 CJ","country":"NL"},"items":[{"sku":"bad sku!","quantity":1}],"subtotal":{"amount":20,"currency":"EUR"}}""", "items[0].sku")]
    [InlineData("""{"address":{"name":"A","line1":"B","city":"C","postalCode":"1015 CJ","country":"NL"},"items":[{"sku":"MUG-RED","quantity":1}]}""", "subtotal")]
    [InlineData("""{"address":{"name":"A","line1":"B","city":"C","postalCode":"1015 CJ","country":"NL"},"items":[{"sku":"MUG-RED","quantity":1}],"subtotal":{"amount":20,"currency":"USD"}}""", "subtotal.currency")]
    [InlineData("""{"address":{"name":"A","line1":"B","city":"C","postalCode":"1015 CJ","country":"NL"},"items":[{"sku":"MUG-RED","quantity":1}],"subtotal":{"amount":-1,"currency":"EUR"}}""", "subtotal.amount")]
    [InlineData("""{"address":{"name":"A","line1":"B","city":"C","postalCode":"1015 CJ","country":"NL"},"items":[{"sku":"MUG-RED","quantity":"one"}],"subtotal":{"amount":20,"currency":"EUR"}}""", "items[0].quantity")]
    [InlineData("""{"address":"Keizersgracht 123, Amsterdam","items":[{"sku":"MUG-RED","quantity":1}],"subtotal":{"amount":20,"currency":"EUR"}}""", "address")]
    public async Task A_bad_quote_request_is_a_400_naming_the_field(string json, string field)
    {
        await ShouldBeProblem(await _shopper.SendRawAsync(HttpMethod.Post, "api/shipping/quotes", json), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused()
    {
        await ShouldBeProblem(await _shopper.SendRawAsync(HttpMethod.Post, "api/shipping/quotes", "{not json"), HttpStatusCode.BadRequest);
        await ShouldBeProblem(await _shopper.SendRawAsync(HttpMethod.Post, "api/shipping/quotes", "address=NL", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task The_tracking_url_of_a_local_carrier_shipment_shows_where_the_parcel_is_without_the_address()
    {
        var simulator = fixture.Shop.Services.GetRequiredService<LocalCarrierSimulator>();
        var shipment = await simulator.CreateShipmentAsync(new ShipmentRequest("ord_track",
            new ShippingAddress("Anna de Vries", "Keizersgracht 123", null, "Amsterdam", "1015 CJ", null, "NL", null),
            [new ParcelItem("MUG-RED", 1)], "standard", Guid.NewGuid().ToString()), CancellationToken.None);
        await simulator.CreateTrackingWebhookAsync(shipment.ShipmentId, TrackingStatus.InTransit, "Left the depot.");

        new Uri(shipment.TrackingUrl).AbsolutePath.ShouldBe($"/api/shipping/local-carrier/tracking/{shipment.TrackingNumber}");
        var response = await _shopper.GetAsync($"api/shipping/local-carrier/tracking/{shipment.TrackingNumber}");
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var tracking = JsonDocument.Parse(text).RootElement;
        tracking.GetProperty("trackingNumber").GetString().ShouldBe(shipment.TrackingNumber);
        tracking.GetProperty("status").GetString().ShouldBe("inTransit");
        tracking.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()).ShouldBe(["labelCreated", "inTransit"]);
        text.ShouldNotContain("Keizersgracht");
        text.ShouldNotContain("ord_track");
    }

    [Fact]
    public async Task An_unknown_tracking_number_is_a_404()
    {
        await ShouldBeProblem(await _shopper.GetAsync($"api/shipping/local-carrier/tracking/LC{new string('0', 20)}"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shopper.GetAsync("api/shipping/local-carrier/tracking/nonsense"), HttpStatusCode.NotFound);
    }
}
