using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Importing tax rates from a CSV file over HTTP: every row or none, each bad row and column named, retries safe.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class TaxRateImportApiTests(LocalShopFixture fixture)
{
    private readonly HttpClient _admin = fixture.Client(ShopRoles.Admin);

    private Task<HttpResponseMessage> ImportAsync(string csv, string? idempotencyKey = null, string contentType = "text/csv")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/tax-rates/import") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return _admin.SendAsync(request);
    }

    private async Task<Dictionary<string, decimal>> RatesAsync(string country)
    {
        var body = await (await _admin.GetAsync($"api/tax-rates?country={country}")).JsonAsync();
        return body.GetProperty("items").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("percent").GetDecimal());
    }

    [Fact]
    public async Task A_good_file_adds_and_replaces_its_rates_in_one_go_and_a_retry_with_the_same_key_is_replayed()
    {
        (await _admin.PostJsonAsync("api/tax-rates", new { country = "PL", percent = 22 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        // A spreadsheet's export: a byte order mark, CRLF, headers in another case and order, quoted cells, a blank line.
        var csv = "\uFEFFPercent,Country,TaxClass,Region\r\n23,PL,standard,\r\n\"8\",pl,reduced,\r\n\r\n\"4.5\",CA,standard,\"qc\"\r\n";
        var key = Guid.NewGuid().ToString();

        var first = await ImportAsync(csv, key);
        var result = await first.JsonAsync();
        first.StatusCode.ShouldBe(HttpStatusCode.OK, result.ToString());
        result.GetProperty("created").GetInt32().ShouldBe(2);
        result.GetProperty("updated").GetInt32().ShouldBe(1);
        result.GetProperty("unchanged").GetInt32().ShouldBe(0);
        (await RatesAsync("PL")).ShouldBe(new Dictionary<string, decimal> { ["PL_reduced"] = 8m, ["PL_standard"] = 23m });
        (await RatesAsync("CA"))["CA-QC_standard"].ShouldBe(4.5m);

        var retry = await ImportAsync(csv, key);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        (await retry.JsonAsync()).GetProperty("created").GetInt32().ShouldBe(2);

        var again = await (await ImportAsync(csv)).JsonAsync();
        again.GetProperty("unchanged").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task A_file_with_bad_rows_writes_nothing_and_names_each_row_and_column_at_fault()
    {
        var csv = "country,region,taxClass,percent\nCZ,,standard,21\nCzechia,,reduced,12\nCZ,,super-reduced,twelve\nCZ,PRG-1,standard,21\nCZ,,standard,15\nCZ,,Zero Rate,101\n";

        var problem = await ShouldBeProblem(await ImportAsync(csv), HttpStatusCode.BadRequest, "rows[3].country");
        var errors = problem.GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal)
            .ShouldBe(["rows[3].country", "rows[4].percent", "rows[5].region", "rows[6].country", "rows[7].percent", "rows[7].taxClass"]);
        errors.GetProperty("rows[6].country")[0].GetString()!.ShouldContain("repeats line 2");
        (await RatesAsync("CZ")).ShouldBeEmpty();
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "empty", "", "file" },
        { "header only", "country,percent\n", "file" },
        { "unknown column", "country,rate\nLT,21\n", "rows[1]" },
        { "no percent column", "country,taxClass\nLT,standard\n", "rows[1]" },
        { "a column twice", "country,percent,Percent\nLT,21,21\n", "rows[1]" },
        { "a short line", "country,region,percent\nLT,21\n", "rows[2]" },
        { "a stray quote", "country,percent\nLT,\"21\n", "rows[2]" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_malformed_file_is_a_400_naming_where_and_writes_nothing(string why, string csv, string field)
    {
        await ShouldBeProblem(await ImportAsync(csv), HttpStatusCode.BadRequest, field);

        (await RatesAsync("LT")).ShouldBeEmpty(why);
    }

    [Fact]
    public async Task A_file_that_is_not_csv_or_not_utf8_is_refused()
    {
        await ShouldBeProblem(await ImportAsync("country,percent\nLV,21\n", contentType: "application/json"), HttpStatusCode.UnsupportedMediaType, "Content-Type");

        var latin1 = new HttpRequestMessage(HttpMethod.Post, "api/tax-rates/import") { Content = new ByteArrayContent([.. Encoding.ASCII.GetBytes("country,region,percent\nLV,"), 0xE9, .. Encoding.ASCII.GetBytes(",21\n")]) };
        latin1.Content.Headers.ContentType = new("text/csv");
        await ShouldBeProblem(await _admin.SendAsync(latin1), HttpStatusCode.BadRequest, "file");

        (await RatesAsync("LV")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_a_413()
    {
        var csv = new StringBuilder("country,percent\n");
        while (csv.Length <= 1024 * 1024) csv.Append("EE,22\n");

        await ShouldBeProblem(await ImportAsync(csv.ToString()), HttpStatusCode.RequestEntityTooLarge);
        (await RatesAsync("EE")).ShouldBeEmpty();
    }
}
