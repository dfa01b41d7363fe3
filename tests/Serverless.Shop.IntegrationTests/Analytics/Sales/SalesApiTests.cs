using System.Net;
using ClosedXML.Excel;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.IntegrationTests.Http;
using static Serverless.Shop.IntegrationTests.Analytics.Sales.SalesTestOrders;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Analytics.Sales;

/// <summary>GET /api/analytics/sales and its CSV and XLSX export over HTTP: who may ask, what is refused and why, top-N, and files that read back as the figures.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class SalesApiTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly CountOrderSales _counting = fixture.Shop.Services.GetRequiredService<CountOrderSales>();
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    /// <summary>A period of its own in the past, so no other test's orders are in it: a random hour between 2001 and 2020.</summary>
    private static DateTimeOffset QuietHour() =>
        new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(0, 19 * 365 * 24));

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ShopRoles.Customer, HttpStatusCode.Forbidden)]
    [InlineData(ShopRoles.Support, HttpStatusCode.Forbidden)]
    [InlineData(ShopRoles.Merchandiser, HttpStatusCode.Forbidden)]
    [InlineData(ShopRoles.Marketer, HttpStatusCode.OK)]
    [InlineData(ShopRoles.Admin, HttpStatusCode.OK)]
    public async Task Only_admins_and_marketers_see_the_figures_and_the_exports(string? role, HttpStatusCode expected)
    {
        var client = fixture.Client(role);
        (await client.GetAsync("api/analytics/sales?from=2026-11-01&to=2026-11-02")).StatusCode.ShouldBe(expected);
        (await client.GetAsync("api/analytics/sales/export?from=2026-11-01&to=2026-11-02&format=csv")).StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData("to=2026-11-02", "from")]
    [InlineData("from=2026-11-01", "to")]
    [InlineData("from=2026-11-02&to=2026-11-01", "to")]
    [InlineData("from=2026-11-01&to=2026-11-01", "to")]
    [InlineData("from=2025-01-01&to=2026-11-01", "to")]
    [InlineData("from=2026-10-01&to=2026-11-05&grain=hour", "to")]
    [InlineData("from=2026-11-01T10:30:00Z&to=2026-11-02", "from")]
    [InlineData("from=2026-11-01T10:00:00&to=2026-11-02", "from")]
    [InlineData("from=yesterday&to=2026-11-02", "from")]
    [InlineData("from=2026-11-01&to=2026-11-02&groupBy=colour", "groupBy")]
    [InlineData("from=2026-11-01&to=2026-11-02&grain=week", "grain")]
    [InlineData("from=2026-11-01&to=2026-11-02&top=0", "top")]
    [InlineData("from=2026-11-01&to=2026-11-02&top=ten", "top")]
    [InlineData("from=2026-11-01&to=2026-11-02&currency=XYZ", "currency")]
    public async Task A_bad_query_is_a_problem_naming_the_field(string query, string field)
    {
        await ShouldBeProblem(await _marketer.GetAsync("api/analytics/sales?" + query), HttpStatusCode.BadRequest, field);
        await ShouldBeProblem(await _marketer.GetAsync("api/analytics/sales/export?format=csv&" + query), HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("&format=pdf")]
    public async Task An_export_without_a_known_format_is_a_problem_naming_format(string format) =>
        await ShouldBeProblem(await _marketer.GetAsync("api/analytics/sales/export?from=2026-11-01&to=2026-11-02" + format), HttpStatusCode.BadRequest, "format");

    [Fact]
    public async Task Top_keeps_the_values_with_the_highest_net_and_a_day_grain_gives_a_row_per_day()
    {
        var hour = QuietHour();
        var (small, large, middle) = (NewId("prod"), NewId("prod"), NewId("prod"));
        Order[] orders =
        [
            Paid(NewId("cust"), [Line(small, 1, 5m)], 0m, hour.AddMinutes(5)),
            Paid(NewId("cust"), [Line(large, 2, 50m), Line(middle, 1, 20m)], 0m, hour.AddMinutes(10)),
            Paid(NewId("cust"), [Line(middle, 1, 20m)], 0m, hour.AddDays(1).AddMinutes(10)),
        ];
        foreach (var order in orders) await _counting.ReactAsync(order, order.History[^1], Ct);

        var range = $"from={Iso(hour)}&to={Iso(hour.AddDays(2))}";
        var top = await (await _marketer.GetAsync($"api/analytics/sales?groupBy=product&top=2&{range}")).JsonAsync();
        top.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()).ShouldBe([large, middle]);
        top.GetProperty("rows")[0].GetProperty("net").GetInt64().ShouldBe(10000);
        top.GetProperty("rows")[1].GetProperty("orders").GetInt64().ShouldBe(2);

        var byDay = await (await _marketer.GetAsync($"api/analytics/sales?groupBy=product&grain=day&{range}")).JsonAsync();
        var middleDays = byDay.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("key").GetString() == middle).ToList();
        middleDays.Count.ShouldBe(2);
        middleDays.ShouldAllBe(r => r.GetProperty("net").GetInt64() == 2000);

        var total = await (await _marketer.GetAsync($"api/analytics/sales?{range}")).JsonAsync();
        var row = total.GetProperty("rows").EnumerateArray().ShouldHaveSingleItem();
        row.TryGetProperty("key", out _).ShouldBeFalse("the total has no dimension value");
        row.GetProperty("net").GetInt64().ShouldBe(14500);
        row.GetProperty("averageOrderValue").GetInt64().ShouldBe(4833);
    }

    [Fact]
    public async Task The_csv_and_xlsx_exports_read_back_as_the_figures_in_major_units()
    {
        var hour = QuietHour();
        var product = NewId("prod");
        var order = Paid(NewId("cust"), [Line(product, 3, 12.34m, discount: 1.02m, taxRate: 0.21m)], 4.95m, hour.AddMinutes(30));
        order = Refunded(order, 10.01m, hour.AddHours(2));
        await _counting.ReactAsync(order, order.History[^1], Ct);
        var query = $"groupBy=product&grain=hour&from={Iso(hour)}&to={Iso(hour.AddHours(3))}";
        var json = (await (await _marketer.GetAsync("api/analytics/sales?" + query)).JsonAsync()).GetProperty("rows").EnumerateArray().ToList();
        json.Count.ShouldBe(2);

        var csvResponse = await _marketer.GetAsync("api/analytics/sales/export?format=csv&" + query);
        csvResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        csvResponse.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        csvResponse.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldEndWith(".csv");
        var lines = (await csvResponse.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("key,name,periodStart,currency,gross,discounts,tax,shipping,refunds,net,units,orders,newCustomerOrders,returningCustomerOrders,averageOrderValue");
        lines.Length.ShouldBe(3);
        var sale = lines[1].Split(',');
        sale[0].ShouldBe(product);
        sale[1].ShouldBe("", "no product in the catalog has this id");
        sale[2].ShouldBe(hour.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        sale[4].ShouldBe("37.02");
        sale[5].ShouldBe("1.02");
        sale[9].ShouldBe((json[0].GetProperty("net").GetInt64() / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        lines[2].Split(',')[8].ShouldBe("10.01");

        var xlsxResponse = await _marketer.GetAsync("api/analytics/sales/export?format=xlsx&" + query);
        xlsxResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        xlsxResponse.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        using var workbook = new XLWorkbook(new MemoryStream(await xlsxResponse.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet("Sales");
        sheet.Cell(1, 10).GetString().ShouldBe("net");
        sheet.Cell(2, 1).GetString().ShouldBe(product);
        sheet.Cell(2, 3).GetDateTime().ShouldBe(hour.UtcDateTime);
        sheet.Cell(2, 5).GetValue<decimal>().ShouldBe(37.02m);
        sheet.Cell(2, 10).GetValue<decimal>().ShouldBe(json[0].GetProperty("net").GetInt64() / 100m);
        sheet.Cell(3, 9).GetValue<decimal>().ShouldBe(10.01m);
        sheet.Cell(3, 12).GetValue<long>().ShouldBe(0);
        sheet.LastRowUsed().RowNumber().ShouldBe(3);
    }

    [Fact]
    public async Task Rows_carry_what_staff_call_the_key_now_in_the_json_and_the_files()
    {
        var hour = QuietHour();
        var catalog = new TestCatalog(fixture);
        var name = TestCatalog.Unique("Analytics Lamp");
        var (named, _, _) = await catalog.CreateProductAsync(TestCatalog.ProductBody(name, 30m, TestCatalog.Unique("LAMP").ToUpperInvariant()));
        var unknown = NewId("prod");
        var order = Paid(NewId("cust"), [Line(named, 1, 30m), Line(unknown, 1, 5m)], 0m, hour.AddMinutes(5));
        await _counting.ReactAsync(order, order.History[^1], Ct);
        var range = $"from={Iso(hour)}&to={Iso(hour.AddHours(1))}";

        var products = RowsByKey(await SalesAsync(_marketer, $"groupBy=product&{range}"));
        products[named].GetProperty("name").GetString().ShouldBe(name);
        products[unknown].TryGetProperty("name", out _).ShouldBeFalse("a product the catalog does not have keeps its id alone");
        var country = (await SalesAsync(_marketer, $"groupBy=country&{range}")).GetProperty("rows").EnumerateArray().ShouldHaveSingleItem();
        (country.GetProperty("key").GetString(), country.GetProperty("name").GetString()).ShouldBe(("NL", "Netherlands"));
        var total = (await SalesAsync(_marketer, range)).GetProperty("rows").EnumerateArray().ShouldHaveSingleItem();
        total.TryGetProperty("name", out _).ShouldBeFalse("the total names nothing");

        var csv = await (await _marketer.GetAsync($"api/analytics/sales/export?format=csv&groupBy=product&{range}")).Content.ReadAsStringAsync();
        csv.Split('\n').ShouldContain(line => line.StartsWith($"{named},{name},", StringComparison.Ordinal));
    }
}
