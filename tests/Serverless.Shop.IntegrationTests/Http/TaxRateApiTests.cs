using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>The admins' tax rates over HTTP: CRUD with versions, who may do what, and bad input that changes nothing.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class TaxRateApiTests(LocalShopFixture fixture)
{
    private readonly HttpClient _admin = fixture.Client(ShopRoles.Admin);

    private async Task<JsonElement> RateAsync(string id)
    {
        var response = await _admin.GetAsync($"api/tax-rates/{id}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<List<JsonElement>> ListAsync(string country)
    {
        var response = await _admin.GetAsync($"api/tax-rates?country={country}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body.GetProperty("items").EnumerateArray().ToList();
    }

    private Task<HttpResponseMessage> DeleteAsync(string id, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"api/tax-rates/{id}");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _admin.SendAsync(request);
    }

    [Fact]
    public async Task An_admin_creates_reads_lists_replaces_and_deletes_a_rate()
    {
        var created = await _admin.PostJsonAsync("api/tax-rates", new { country = "se", taxClass = "reduced", percent = 12 });
        var body = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        created.Headers.Location!.ToString().ShouldBe("/api/tax-rates/SE_reduced");
        body.GetProperty("id").GetString().ShouldBe("SE_reduced");
        body.GetProperty("country").GetString().ShouldBe("SE");
        body.GetProperty("percent").GetDecimal().ShouldBe(12m);
        var etag = created.Headers.ETag!.Tag;

        (await RateAsync("SE_reduced")).GetProperty("taxClass").GetString().ShouldBe("reduced");
        (await _admin.PostJsonAsync("api/tax-rates", new { country = "SE", percent = 25 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ListAsync("se")).Select(r => r.GetProperty("id").GetString()).ShouldBe(["SE_reduced", "SE_standard"]);

        var replaced = await _admin.PutJsonAsync("api/tax-rates/SE_reduced", new { percent = 6 }, etag);
        (await replaced.JsonAsync()).GetProperty("percent").GetDecimal().ShouldBe(6m);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
        var newTag = replaced.Headers.ETag!.Tag;
        newTag.ShouldNotBe(etag);
        await ShouldBeProblem(await _admin.PutJsonAsync("api/tax-rates/SE_reduced", new { percent = 7 }, etag), HttpStatusCode.PreconditionFailed);
        await ShouldBeProblem(await DeleteAsync("SE_reduced", etag), HttpStatusCode.PreconditionFailed);

        (await DeleteAsync("SE_reduced", newTag)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await ShouldBeProblem(await _admin.GetAsync("api/tax-rates/SE_reduced"), HttpStatusCode.NotFound);
        (await ListAsync("SE")).Select(r => r.GetProperty("id").GetString()).ShouldBe(["SE_standard"]);
    }

    [Fact]
    public async Task Changing_one_rate_leaves_the_etag_of_another_valid()
    {
        var first = await _admin.PostJsonAsync("api/tax-rates", new { country = "FI", percent = 25.5 });
        var second = await _admin.PostJsonAsync("api/tax-rates", new { country = "FI", taxClass = "reduced", percent = 14 });
        first.StatusCode.ShouldBe(HttpStatusCode.Created);

        (await _admin.PutJsonAsync("api/tax-rates/FI_reduced", new { percent = 13.5 }, second.Headers.ETag!.Tag)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await _admin.PutJsonAsync("api/tax-rates/FI_standard", new { percent = 24 }, first.Headers.ETag!.Tag)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RateAsync("FI_standard")).GetProperty("percent").GetDecimal().ShouldBe(24m);
    }

    [Fact]
    public async Task Marketers_may_read_rates_but_only_admins_change_them_and_anonymous_callers_nothing()
    {
        var marketer = fixture.Client(ShopRoles.Marketer);
        var merchandiser = fixture.Client(ShopRoles.Merchandiser);

        (await marketer.GetAsync("api/tax-rates")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeProblem(await marketer.PostJsonAsync("api/tax-rates", new { country = "LU", percent = 17 }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await merchandiser.GetAsync("api/tax-rates"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client().GetAsync("api/tax-rates"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await marketer.SendRawAsync(HttpMethod.Post, "api/tax-rates/import", "country,percent\nLU,17", "text/csv"), HttpStatusCode.Forbidden);
        (await ListAsync("LU")).ShouldBeEmpty();
    }

    public static TheoryData<string, object, string> BadRates => new()
    {
        { "country name", new { country = "Denmark", percent = 25 }, "country" },
        { "no country", new { percent = 25 }, "country" },
        { "region with its country", new { country = "DK", region = "DK-84", percent = 25 }, "region" },
        { "tax class with spaces", new { country = "DK", taxClass = "Reduced Rate", percent = 25 }, "taxClass" },
        { "over 100 %", new { country = "DK", percent = 125 }, "percent" },
        { "negative", new { country = "DK", percent = -1 }, "percent" },
        { "a fraction of a basis point", new { country = "DK", percent = 25.00001 }, "percent" },
        { "no percent", new { country = "DK" }, "percent" },
    };

    [Theory]
    [MemberData(nameof(BadRates))]
    public async Task A_bad_rate_is_a_400_naming_the_field_and_nothing_is_stored(string why, object body, string field)
    {
        await ShouldBeProblem(await _admin.PostJsonAsync("api/tax-rates", body), HttpStatusCode.BadRequest, field);

        (await ListAsync("DK")).ShouldBeEmpty(why);
    }

    [Fact]
    public async Task A_percent_that_is_not_a_number_is_a_400_on_percent()
    {
        await ShouldBeProblem(await _admin.SendRawAsync(HttpMethod.Post, "api/tax-rates", """{"country":"DK","percent":"twenty"}"""), HttpStatusCode.BadRequest, "percent");
        (await ListAsync("DK")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_second_rate_for_a_place_and_class_is_a_409_and_keeps_the_first()
    {
        (await _admin.PostJsonAsync("api/tax-rates", new { country = "HR", percent = 25 })).StatusCode.ShouldBe(HttpStatusCode.Created);

        await ShouldBeProblem(await _admin.PostJsonAsync("api/tax-rates", new { country = "hr", taxClass = "standard", percent = 13 }), HttpStatusCode.Conflict, "country");

        (await RateAsync("HR_standard")).GetProperty("percent").GetDecimal().ShouldBe(25m);
    }

    [Fact]
    public async Task A_replace_needs_if_match_and_cannot_move_the_rate_to_another_place()
    {
        var created = await _admin.PostJsonAsync("api/tax-rates", new { country = "SI", percent = 22 });
        var etag = created.Headers.ETag!.Tag;

        await ShouldBeProblem(await _admin.PutJsonAsync("api/tax-rates/SI_standard", new { percent = 9.5 }, null), (HttpStatusCode)428, "If-Match");
        await ShouldBeProblem(await _admin.PutJsonAsync("api/tax-rates/SI_standard", new { country = "SK", percent = 9.5 }, etag), HttpStatusCode.BadRequest, "country");
        await ShouldBeProblem(await _admin.PutJsonAsync("api/tax-rates/SI_standard", new { percent = 101 }, etag), HttpStatusCode.BadRequest, "percent");
        await ShouldBeProblem(await _admin.PutJsonAsync("api/tax-rates/SI_reduced", new { percent = 9.5 }, etag), HttpStatusCode.NotFound);

        (await RateAsync("SI_standard")).GetProperty("percent").GetDecimal().ShouldBe(22m);
    }

    [Fact]
    public async Task Reading_a_rate_is_one_cosmos_call_and_a_change_two()
    {
        var created = await _admin.PostJsonAsync("api/tax-rates", new { country = "MT", percent = 18 });
        created.CosmosCalls().ShouldBe(2);

        (await _admin.GetAsync("api/tax-rates/MT_standard")).CosmosCalls().ShouldBe(1);
        (await _admin.GetAsync("api/tax-rates")).CosmosCalls().ShouldBe(1);
        (await _admin.PutJsonAsync("api/tax-rates/MT_standard", new { percent = 7 }, created.Headers.ETag!.Tag)).CosmosCalls().ShouldBe(3);
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_are_not_found()
    {
        await ShouldBeProblem(await _admin.GetAsync("api/tax-rates/XX_standard"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _admin.GetAsync("api/tax-rates/not-an-id"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await DeleteAsync("XX_standard", null), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _admin.GetAsync("api/tax-rates?country=Germany"), HttpStatusCode.BadRequest, "country");
    }
}
