using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Inventory;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Inventory;

/// <summary>The stock report per warehouse over HTTP on the Cosmos DB emulator: figures, filters, paging, its cost, roles, bad input, and warehouse low-stock alerts.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class StockReportApiTests(LocalShopFixture fixture)
{
    private const string Route = "api/inventory/reports/stock-by-warehouse";
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private async Task AdjustAsync(string sku, string warehouse, int quantity, string reason = "received")
    {
        var response = await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { warehouse, quantity, reason });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
    }

    private async Task SetThresholdAsync(string sku, int threshold, string? warehouse)
    {
        var response = await _merchandiser.PutJsonAsync($"api/inventory/{sku}/low-stock-threshold", new { threshold, warehouse }, null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
    }

    /// <summary>Every page of the report for the query, following continuation tokens, with the Cosmos DB calls each page made.</summary>
    private async Task<(List<JsonElement> Rows, List<int> CallsPerPage)> ReportAsync(string query)
    {
        var rows = new List<JsonElement>();
        var calls = new List<int>();
        string? token = null;
        do
        {
            var response = await _merchandiser.GetAsync($"{Route}?{query}" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}"));
            var page = await response.JsonAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, page.ToString());
            rows.AddRange(page.GetProperty("items").EnumerateArray());
            calls.Add(response.CosmosCalls());
            token = page.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
        } while (token is not null && calls.Count < 1000);
        return (rows, calls);
    }

    private static JsonElement In(JsonElement row, string warehouse) =>
        row.GetProperty("warehouses").EnumerateArray().Single(w => w.GetProperty("warehouse").GetString() == warehouse);

    [Fact]
    public async Task A_warehouse_s_report_shows_on_hand_reserved_available_in_transit_and_low_per_sku()
    {
        var (north, south) = (Unique("rpt-n"), Unique("rpt-s"));
        await TestWarehouses.EnsureAsync(fixture, north);
        await TestWarehouses.EnsureAsync(fixture, south);
        var (mug, cup) = (Unique("RPT").ToUpperInvariant(), Unique("RPT").ToUpperInvariant());
        await AdjustAsync(mug, north, 10);
        await AdjustAsync(mug, south, 2);
        await AdjustAsync(cup, north, 4);
        (await _merchandiser.PostJsonAsync($"api/inventory/{mug}/transfers", new { from = north, to = south, quantity = 3 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await SetThresholdAsync(mug, 5, south);
        // A checkout's hold in the north warehouse, written through the real store as the reserve step writes it.
        var store = fixture.Shop.Services.GetRequiredService<IInventoryStore>();
        var current = (await store.FindAsync(mug, CancellationToken.None))!;
        var now = DateTimeOffset.UtcNow;
        await store.SaveAsync(current.Value.ReserveIn("ord_report", new Dictionary<string, int> { [north] = 4 }, now.AddMinutes(15), now), current.Version, CancellationToken.None);

        var (southRows, _) = await ReportAsync($"warehouse={south}&pageSize=100");
        var row = southRows.ShouldHaveSingleItem();
        row.GetProperty("sku").GetString().ShouldBe(mug);
        row.GetProperty("warehouses").GetArrayLength().ShouldBe(1);
        var inSouth = In(row, south);
        (inSouth.GetProperty("onHand").GetInt32(), inSouth.GetProperty("reserved").GetInt32(), inSouth.GetProperty("available").GetInt32(), inSouth.GetProperty("inTransit").GetInt32())
            .ShouldBe((2, 0, 2, 3));
        inSouth.GetProperty("lowStockThreshold").GetInt32().ShouldBe(5);
        inSouth.GetProperty("isLow").GetBoolean().ShouldBeTrue();
        var total = row.GetProperty("total");
        (total.GetProperty("onHand").GetInt32(), total.GetProperty("reserved").GetInt32(), total.GetProperty("available").GetInt32(), total.GetProperty("inTransit").GetInt32())
            .ShouldBe((9, 4, 5, 3));

        var (northRows, _) = await ReportAsync($"warehouse={north}&pageSize=100");
        var inNorth = In(northRows.Single(r => r.GetProperty("sku").GetString() == mug), north);
        (inNorth.GetProperty("onHand").GetInt32(), inNorth.GetProperty("reserved").GetInt32(), inNorth.GetProperty("available").GetInt32(), inNorth.GetProperty("inTransit").GetInt32())
            .ShouldBe((7, 4, 3, 0));
        northRows.Select(r => r.GetProperty("sku").GetString()).Order().ShouldBe(new[] { mug, cup }.Order());

        (await ReportAsync($"warehouse={south}&lowOnly=true")).Rows.Select(r => r.GetProperty("sku").GetString()).ShouldBe([mug]);
        (await ReportAsync($"warehouse={north}&lowOnly=true")).Rows.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_report_pages_through_every_sku_once_at_two_cosmos_calls_a_page()
    {
        var warehouse = Unique("rpt-p");
        await TestWarehouses.EnsureAsync(fixture, warehouse);
        var skus = Enumerable.Range(0, 3).Select(_ => Unique("RPT").ToUpperInvariant()).ToList();
        foreach (var sku in skus) await AdjustAsync(sku, warehouse, 1);

        var (rows, calls) = await ReportAsync($"warehouse={warehouse}&pageSize=2");

        rows.Select(r => r.GetProperty("sku").GetString()).Order().ShouldBe(skus.Order());
        calls.Count.ShouldBeGreaterThan(1, "every stock document of the shop is read, two at a time");
        calls.ShouldAllBe(c => c == 2, "a page is one read of the warehouse directory and one query page");
    }

    [Fact]
    public async Task A_page_totals_its_rows_per_warehouse()
    {
        var warehouse = Unique("rpt-t");
        await TestWarehouses.EnsureAsync(fixture, warehouse);
        var (a, b) = (Unique("RPT").ToUpperInvariant(), Unique("RPT").ToUpperInvariant());
        await AdjustAsync(a, warehouse, 3);
        await AdjustAsync(b, warehouse, 4);
        await SetThresholdAsync(b, 10, warehouse);

        var totals = new List<JsonElement>();
        string? token = null;
        do
        {
            var page = await (await _merchandiser.GetAsync($"{Route}?warehouse={warehouse}&pageSize=100" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}"))).JsonAsync();
            totals.AddRange(page.GetProperty("totals").EnumerateArray());
            token = page.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
        } while (token is not null);

        totals.Sum(t => t.GetProperty("skus").GetInt32()).ShouldBe(2);
        totals.Sum(t => t.GetProperty("onHand").GetInt32()).ShouldBe(7);
        totals.Sum(t => t.GetProperty("lowSkus").GetInt32()).ShouldBe(1);
        totals.ShouldAllBe(t => t.GetProperty("warehouse").GetString() == warehouse);
    }

    [Fact]
    public async Task Only_merchandisers_and_admins_read_the_report()
    {
        await ShouldBeProblem(await fixture.Client().GetAsync(Route), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Customer).GetAsync(Route), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Support).GetAsync(Route), HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Admin).GetAsync($"{Route}?pageSize=1")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=many", "pageSize")]
    [InlineData("lowOnly=maybe", "lowOnly")]
    [InlineData("warehouse=no-such-warehouse", "warehouse")]
    [InlineData("continuationToken=not-a-token", "continuationToken")]
    public async Task Bad_parameters_are_a_problem_on_the_parameter(string query, string field)
    {
        await ShouldBeProblem(await _merchandiser.GetAsync($"{Route}?{query}"), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task One_warehouse_running_low_emails_the_merchandisers_even_when_the_total_is_plenty()
    {
        var (big, small) = (Unique("rpt-b"), Unique("rpt-l"));
        await TestWarehouses.EnsureAsync(fixture, big);
        await TestWarehouses.EnsureAsync(fixture, small);
        var sku = Unique("RPT").ToUpperInvariant();
        await AdjustAsync(sku, big, 100);
        await AdjustAsync(sku, small, 6);
        await SetThresholdAsync(sku, 10, null);
        await SetThresholdAsync(sku, 5, small);

        await AdjustAsync(sku, small, -2, "sold");

        var emails = await HttpTestExtensions.EventuallyAsync(() => Task.FromResult(EmailsAbout(sku)), e => e.Count > 0, TimeSpan.FromSeconds(10));
        var email = emails.ShouldHaveSingleItem($"no low-stock email about {sku} in {fixture.Shop.MailboxDirectory}");
        email.ShouldContain($"Low stock in {small}: {sku} has 4 left there");
        email.ShouldContain("104 across all warehouses");
    }

    private List<string> EmailsAbout(string sku) =>
        Directory.Exists(fixture.Shop.MailboxDirectory)
            ? Directory.GetFiles(fixture.Shop.MailboxDirectory, "*.eml").Select(File.ReadAllText).Where(text => text.Contains(sku, StringComparison.Ordinal)).ToList()
            : [];
}
