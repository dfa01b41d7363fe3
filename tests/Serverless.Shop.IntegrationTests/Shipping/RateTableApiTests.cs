using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Shipping;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>
/// GET/PUT /api/shipping/rates over HTTP on the local shop (Cosmos DB emulator): the table the local host saved, a change
/// that quotes use at once, If-Match, roles, and bad tables refused on the field with nothing written. Every test that
/// changes the shared table puts the one it found back.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class RateTableApiTests(LocalShopFixture fixture)
{
    private const string Route = "api/shipping/rates";
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);

    private async Task<(JsonObject Table, string ETag)> GetAsync()
    {
        var response = await _merchandiser.GetAsync(Route);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return (JsonNode.Parse(body.GetRawText())!.AsObject(), response.Headers.ETag!.Tag);
    }

    /// <summary>The table as a PUT body: what GET answered without the fields the server sets.</summary>
    private static JsonObject AsInput(JsonObject table)
    {
        var input = table.DeepClone().AsObject();
        input.Remove("source");
        input.Remove("updatedAt");
        input.Remove("updatedBy");
        return input;
    }

    private static JsonObject Standard(JsonObject input, string zone) => input["zones"]!.AsArray()
        .Single(z => (string)z!["zone"]! == zone)!["services"]!.AsArray()
        .Single(s => (string)s!["level"]! == "standard")!.AsObject();

    private async Task<JsonElement> QuoteUtrechtAsync(HttpClient shopper) =>
        await (await shopper.PostJsonAsync("api/shipping/options", new
        {
            address = new { name = "Anna de Vries", line1 = "Oudegracht 1", city = "Utrecht", postalCode = "3511 AA", country = "NL" },
            items = new[] { new { sku = "UNMEASURED-1", quantity = 1 } },
            subtotal = new { amount = 1.00m, currency = "EUR" },
        })).JsonAsync();

    private static decimal StandardFee(JsonElement options) => options.GetProperty("services").EnumerateArray()
        .Single(s => s.GetProperty("service").GetString() == "standard").GetProperty("fee").GetProperty("amount").GetDecimal();

    private async Task RestoreAsync(JsonObject original)
    {
        var (_, etag) = await GetAsync();
        var restored = await _merchandiser.PutJsonAsync(Route, AsInput(original), etag);
        restored.StatusCode.ShouldBe(HttpStatusCode.OK, (await restored.JsonAsync()).ToString());
    }

    [Fact]
    public async Task The_local_shop_has_a_saved_table_made_from_its_zones()
    {
        var (table, etag) = await GetAsync();

        etag.ShouldNotBeNullOrEmpty();
        ((string)table["source"]!).ShouldBe("managed");
        var zones = table["zones"]!.AsArray();
        zones.Count.ShouldBeGreaterThan(0);
        zones.ShouldAllBe(z => z!["services"]!.AsArray().Count == 2);
        ((int)table["dimensionalDivisorCm3PerKg"]!).ShouldBe(5000);
        ((int)table["limits"]!["maxWeightGrams"]!).ShouldBe(31_500);
    }

    [Fact]
    public async Task A_changed_fee_is_what_the_next_quote_charges_and_a_warm_quote_makes_no_call_for_the_table()
    {
        using var shopper = fixture.Client();
        var (original, etag) = await GetAsync();
        var before = await QuoteUtrechtAsync(shopper);
        var zone = before.GetProperty("zone").GetString()!;
        var input = AsInput(original);
        var standard = Standard(input, zone);
        standard["baseFee"] = (decimal)standard["baseFee"]! + 1.25m;
        try
        {
            var saved = await _merchandiser.PutJsonAsync(Route, input, etag);
            var savedBody = await saved.JsonAsync();
            saved.StatusCode.ShouldBe(HttpStatusCode.OK, savedBody.ToString());
            saved.Headers.ETag!.Tag.ShouldNotBe(etag);
            savedBody.GetProperty("updatedBy").GetString().ShouldNotBeNullOrEmpty();

            var after = await QuoteUtrechtAsync(shopper);
            StandardFee(after).ShouldBe(StandardFee(before) + 1.25m);
            // The product read is the quote's one call (unknown SKU here: none is found); the table comes from the cache.
            var warm = await shopper.PostJsonAsync("api/shipping/options", new
            {
                address = new { name = "Anna de Vries", line1 = "Oudegracht 1", city = "Utrecht", postalCode = "3511 AA", country = "NL" },
                items = new[] { new { sku = "UNMEASURED-1", quantity = 1 } },
                subtotal = new { amount = 1.00m, currency = "EUR" },
            });
            warm.CosmosCalls().ShouldBe(0, "no product id to read, and the rate table cached");
        }
        finally
        {
            await RestoreAsync(original);
        }
        StandardFee(await QuoteUtrechtAsync(shopper)).ShouldBe(StandardFee(before));
    }

    [Fact]
    public async Task A_change_needs_the_current_etag()
    {
        var (original, etag) = await GetAsync();
        var input = AsInput(original);

        await ShouldBeProblem(await _merchandiser.PutJsonAsync(Route, input, null), HttpStatusCode.PreconditionRequired);
        await ShouldBeProblem(await _merchandiser.PutJsonAsync(Route, input, "\"stale\""), HttpStatusCode.PreconditionFailed);
        // The defaults' tag creates the first table only: with a table saved, it is stale too.
        await ShouldBeProblem(await _merchandiser.PutJsonAsync(Route, input, Serverless.Shop.Functions.Http.EntityTags.FromVersion(ManageRateTable.DefaultsVersion)), HttpStatusCode.PreconditionFailed);
        (await GetAsync()).ETag.ShouldBe(etag);
    }

    [Theory]
    [InlineData("bands", "zones[0].services[0].distanceBands[1].upToKm")]
    [InlineData("fee", "zones[0].services[0].baseFee")]
    [InlineData("days", "zones[0].services[0].businessDaysMax")]
    [InlineData("level", "zones[0].services[0].level")]
    [InlineData("zone", "zones[0].zone")]
    [InlineData("limits", "limits.maxWeightGrams")]
    public async Task A_bad_table_is_a_problem_on_the_field_and_changes_nothing(string spoil, string field)
    {
        var (original, etag) = await GetAsync();
        var input = AsInput(original);
        var service = input["zones"]![0]!["services"]![0]!.AsObject();
        switch (spoil)
        {
            case "bands": service["distanceBands"] = new JsonArray(new JsonObject { ["upToKm"] = 250, ["surcharge"] = 0 }, new JsonObject { ["upToKm"] = 50, ["surcharge"] = 1 }, new JsonObject { ["surcharge"] = 2 }); break;
            case "fee": service["baseFee"] = -1; break;
            case "days": service["businessDaysMin"] = 5; service["businessDaysMax"] = 2; break;
            case "level": service["level"] = "overnight"; break;
            case "zone": input["zones"]![0]!["zone"] = "atlantis"; break;
            case "limits": input["limits"]!["maxWeightGrams"] = 0; break;
        }

        await ShouldBeProblem(await _merchandiser.PutJsonAsync(Route, input, etag), HttpStatusCode.BadRequest, field);
        (await GetAsync()).ETag.ShouldBe(etag);
    }

    [Fact]
    public async Task Only_merchandisers_and_admins_read_and_change_the_table()
    {
        var (original, etag) = await GetAsync();

        await ShouldBeProblem(await fixture.Client().GetAsync(Route), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Customer).GetAsync(Route), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Support).GetAsync(Route), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Support).PutJsonAsync(Route, AsInput(original), etag), HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Admin).GetAsync(Route)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await GetAsync()).ETag.ShouldBe(etag);
    }
}
