using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Stock per warehouse, its audit trail, concurrency and retries, low-stock alerts, and availability for shoppers.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class InventoryApiTests(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);

    private static string NewSku() => TestCatalog.Unique("STK").ToUpperInvariant();

    private async Task<HttpResponseMessage> AdjustAsync(string sku, int quantity, string reason, string? warehouse = null, string? note = null, string? idempotencyKey = null)
    {
        // Stock is booked only into warehouses that exist; the local host seeds main, this class uses north too.
        if (warehouse == "north") await Inventory.TestWarehouses.EnsureAsync(fixture, "north");
        return await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { warehouse, quantity, reason, note }, idempotencyKey);
    }

    private async Task AdjustOkAsync(string sku, int quantity, string reason, string? warehouse = null)
    {
        var response = await AdjustAsync(sku, quantity, reason, warehouse);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
    }

    private async Task<JsonElement> StockAsync(string sku)
    {
        var response = await _merchandiser.GetAsync($"api/inventory/{sku}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static int OnHand(JsonElement stock, string warehouse) =>
        stock.GetProperty("onHand").TryGetProperty(warehouse, out var q) ? q.GetInt32() : 0;

    /// <summary>The whole audit trail, following continuation tokens, as the API orders it (newest first).</summary>
    private async Task<(List<JsonElement> Entries, int Pages)> JournalAsync(string sku, int pageSize, HttpClient? client = null)
    {
        var entries = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = $"api/inventory/{sku}/adjustments?pageSize={pageSize}" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}");
            var response = await (client ?? _merchandiser).GetAsync(url);
            var page = await response.JsonAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, page.ToString());
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            pages++;
        } while (token is not null && pages < 100);
        return (entries, pages);
    }

    private static bool IsReplay(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";

    [Fact]
    public async Task Receiving_and_selling_change_stock_per_warehouse_and_record_who_did_it_and_why()
    {
        var sku = NewSku();
        await AdjustOkAsync(sku, 10, "received");
        await AdjustOkAsync(sku, 4, "received", warehouse: "north");
        var sold = await AdjustAsync(sku, -3, "sold", note: "order 1042");
        sold.StatusCode.ShouldBe(HttpStatusCode.OK);
        OnHand(await sold.JsonAsync(), "main").ShouldBe(7);

        var stock = await StockAsync(sku);
        stock.GetProperty("sku").GetString().ShouldBe(sku);
        OnHand(stock, "main").ShouldBe(7);
        OnHand(stock, "north").ShouldBe(4);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(11);

        var recent = stock.GetProperty("recentAdjustments").EnumerateArray().ToList();
        recent.Count.ShouldBe(3);
        var sale = recent[^1];
        sale.GetProperty("warehouse").GetString().ShouldBe("main");
        sale.GetProperty("change").GetInt32().ShouldBe(-3);
        sale.GetProperty("reason").GetString().ShouldBe("sold");
        sale.GetProperty("note").GetString().ShouldBe("order 1042");
        sale.GetProperty("actor").GetString().ShouldBe("dev-merchandiser");
        sale.GetProperty("onHandAfter").GetInt32().ShouldBe(7);
        recent[1].GetProperty("warehouse").GetString().ShouldBe("north");
        recent[1].GetProperty("onHandAfter").GetInt32().ShouldBe(4); // per warehouse, not the total
    }

    [Fact]
    public async Task The_audit_trail_lists_adjustments_newest_first_page_by_page()
    {
        var sku = NewSku();
        for (var quantity = 1; quantity <= 5; quantity++) await AdjustOkAsync(sku, quantity, "received");

        // Support staff read the trail too.
        var (entries, pages) = await JournalAsync(sku, pageSize: 2, fixture.Client(ShopRoles.Support));

        entries.Select(e => e.GetProperty("change").GetInt32()).ShouldBe([5, 4, 3, 2, 1]);
        entries.Select(e => e.GetProperty("onHandAfter").GetInt32()).ShouldBe([15, 10, 6, 3, 1]);
        entries.ShouldAllBe(e => e.GetProperty("actor").GetString() == "dev-merchandiser");
        pages.ShouldBe(3);
    }

    [Fact]
    public async Task The_audit_trail_still_lists_adjustments_archived_out_of_the_stock_item()
    {
        // More than twice the kept recent adjustments, so the oldest move to archive pages.
        const int count = 120;
        var sku = NewSku();
        for (var i = 0; i < count; i++) await AdjustOkAsync(sku, 1, "received");

        var stock = await StockAsync(sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(count);
        stock.GetProperty("recentAdjustments").GetArrayLength().ShouldBeLessThan(count);

        var (entries, _) = await JournalAsync(sku, pageSize: 25);
        entries.Select(e => e.GetProperty("onHandAfter").GetInt32()).ShouldBe(Enumerable.Range(1, count).Reverse());
    }

    [Fact]
    public async Task Removing_more_than_is_on_hand_is_a_409_naming_the_quantity_and_changes_nothing()
    {
        var sku = NewSku();
        await AdjustOkAsync(sku, 3, "received");

        await ShouldBeProblem(await AdjustAsync(sku, -5, "sold"), HttpStatusCode.Conflict, "quantity");

        var stock = await StockAsync(sku);
        OnHand(stock, "main").ShouldBe(3);
        stock.GetProperty("recentAdjustments").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Twenty_five_concurrent_sales_of_ten_units_in_stock_sell_exactly_ten()
    {
        var sku = NewSku();
        await AdjustOkAsync(sku, 10, "received");

        var responses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => AdjustAsync(sku, -1, "sold", idempotencyKey: Guid.NewGuid().ToString())));

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        var summary = string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Count()} x {g.Key}"));
        statuses.Count(s => s == 200).ShouldBe(10, summary);
        statuses.Count(s => s == 409).ShouldBe(15, summary);
        foreach (var ok in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
            OnHand(await ok.JsonAsync(), "main").ShouldBeGreaterThanOrEqualTo(0);

        OnHand(await StockAsync(sku), "main").ShouldBe(0);
        var sales = (await JournalAsync(sku, pageSize: 100)).Entries.Where(e => e.GetProperty("reason").GetString() == "sold").ToList();
        sales.Count.ShouldBe(10);
        sales.Select(e => e.GetProperty("onHandAfter").GetInt32()).ShouldBe(Enumerable.Range(0, 10)); // 0 newest, 9 oldest: one unit each, never below zero
    }

    [Fact]
    public async Task An_adjustment_sent_twice_with_one_idempotency_key_is_applied_once_and_the_retry_is_a_replay()
    {
        var sku = NewSku();
        await AdjustOkAsync(sku, 10, "received");
        var key = Guid.NewGuid().ToString();

        var first = await AdjustAsync(sku, -2, "sold", idempotencyKey: key);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        IsReplay(first).ShouldBeFalse();
        var retry = await AdjustAsync(sku, -2, "sold", idempotencyKey: key);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        IsReplay(retry).ShouldBeTrue();
        OnHand(await retry.JsonAsync(), "main").ShouldBe(8);

        await ShouldBeProblem(await AdjustAsync(sku, -3, "sold", idempotencyKey: key), HttpStatusCode.UnprocessableEntity, "Idempotency-Key");

        OnHand(await StockAsync(sku), "main").ShouldBe(8);
        (await JournalAsync(sku, pageSize: 100)).Entries.Count(e => e.GetProperty("reason").GetString() == "sold").ShouldBe(1);
    }

    [Fact]
    public async Task Five_concurrent_requests_with_one_idempotency_key_apply_the_adjustment_once()
    {
        var sku = NewSku();
        await AdjustOkAsync(sku, 10, "received");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => AdjustAsync(sku, -2, "sold", idempotencyKey: key)));

        var summary = string.Join(", ", responses.Select(r => $"{(int)r.StatusCode}{(IsReplay(r) ? " replayed" : "")}"));
        responses.Count(r => r.StatusCode == HttpStatusCode.OK && !IsReplay(r)).ShouldBe(1, summary);
        foreach (var other in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            (await ShouldBeProblem(other, HttpStatusCode.Conflict)).GetProperty("type").GetString().ShouldEndWith("/request-in-progress");

        IsReplay(await AdjustAsync(sku, -2, "sold", idempotencyKey: key)).ShouldBeTrue();
        OnHand(await StockAsync(sku), "main").ShouldBe(8);
        (await JournalAsync(sku, pageSize: 100)).Entries.Count(e => e.GetProperty("reason").GetString() == "sold").ShouldBe(1);
    }

    [Fact]
    public async Task Falling_below_the_low_stock_threshold_emails_the_merchandisers_once_per_crossing()
    {
        var sku = NewSku();
        (await _merchandiser.PutJsonAsync($"api/inventory/{sku}/low-stock-threshold", new { threshold = 5 }, null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await AdjustOkAsync(sku, 6, "received");

        await AdjustOkAsync(sku, -2, "sold");
        var emails = await HttpTestExtensions.EventuallyAsync(() => Task.FromResult(EmailsAbout(sku)), e => e.Count > 0, TimeSpan.FromSeconds(10));
        emails.Count.ShouldBe(1, $"no low-stock email about {sku} in {fixture.Shop.MailboxDirectory}");
        emails[0].ShouldContain($"{sku} has 4 left");

        // Still low, but no new crossing: no new email.
        await AdjustOkAsync(sku, -1, "sold");
        await AdjustOkAsync(sku, -1, "sold");
        await Task.Delay(TimeSpan.FromSeconds(3));
        EmailsAbout(sku).Count.ShouldBe(1);

        // Restocked above the threshold and sold below it again: a new crossing, a new email.
        await AdjustOkAsync(sku, 10, "received");
        await AdjustOkAsync(sku, -8, "sold");
        emails = await HttpTestExtensions.EventuallyAsync(() => Task.FromResult(EmailsAbout(sku)), e => e.Count > 1, TimeSpan.FromSeconds(10));
        emails.Count.ShouldBe(2);
        emails.ShouldContain(e => e.Contains($"{sku} has 4 left") && e.Contains("merchandising@serverless-shop.example"));
    }

    private List<string> EmailsAbout(string sku) =>
        Directory.Exists(fixture.Shop.MailboxDirectory)
            ? Directory.GetFiles(fixture.Shop.MailboxDirectory, "*.eml").Select(File.ReadAllText).Where(text => text.Contains(sku, StringComparison.Ordinal)).ToList()
            : [];

    [Theory]
    [InlineData("{\"quantity\": 0, \"reason\": \"received\"}", "quantity")]
    [InlineData("{\"quantity\": 5}", "reason")]
    [InlineData("{\"quantity\": 5, \"reason\": \"stolen\"}", "reason")]
    [InlineData("{\"quantity\": 2000000, \"reason\": \"received\"}", "quantity")]
    [InlineData("{\"quantity\": -2000000, \"reason\": \"lost\"}", "quantity")]
    [InlineData("{\"quantity\": 5, \"reason\": \"received\", \"warehouse\": \"Main Hall!\"}", "warehouse")]
    [InlineData("{\"quantity\": \"five\", \"reason\": \"received\"}", "quantity")]
    public async Task Bad_adjustments_are_a_400_naming_the_field_and_change_nothing(string json, string field)
    {
        var sku = NewSku();
        await ShouldBeProblem(await _merchandiser.SendRawAsync(HttpMethod.Post, $"api/inventory/{sku}/adjustments", json), HttpStatusCode.BadRequest, field);

        var stock = await StockAsync(sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(0);
        stock.GetProperty("recentAdjustments").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_malformed_sku_is_a_400_naming_the_sku()
    {
        await ShouldBeProblem(await _merchandiser.PostJsonAsync("api/inventory/bad%20sku/adjustments", new { quantity = 1, reason = "received" }), HttpStatusCode.BadRequest, "sku");
        await ShouldBeProblem(await _merchandiser.GetAsync("api/inventory/bad%20sku"), HttpStatusCode.BadRequest, "sku");
    }

    [Fact]
    public async Task A_negative_low_stock_threshold_is_a_400()
    {
        var sku = NewSku();
        await ShouldBeProblem(await _merchandiser.PutJsonAsync($"api/inventory/{sku}/low-stock-threshold", new { threshold = -1 }, null), HttpStatusCode.BadRequest, "threshold");
        (await StockAsync(sku)).GetProperty("lowStockThreshold").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Only_merchandisers_and_admins_change_stock_and_shoppers_cannot_read_it()
    {
        var sku = NewSku();
        var adjustment = new { quantity = 5, reason = "received" };
        await ShouldBeProblem(await fixture.Client().PostJsonAsync($"api/inventory/{sku}/adjustments", adjustment), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Customer).PostJsonAsync($"api/inventory/{sku}/adjustments", adjustment), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Support).PostJsonAsync($"api/inventory/{sku}/adjustments", adjustment), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Customer).PutJsonAsync($"api/inventory/{sku}/low-stock-threshold", new { threshold = 3 }, null), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Customer).GetAsync($"api/inventory/{sku}"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client().GetAsync($"api/inventory/{sku}/adjustments"), HttpStatusCode.Unauthorized);

        var admin = await fixture.Client(ShopRoles.Admin).PostJsonAsync($"api/inventory/{sku}/adjustments", adjustment);
        admin.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stock = await StockAsync(sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(5);
        stock.GetProperty("recentAdjustments").EnumerateArray().Single().GetProperty("actor").GetString().ShouldBe("dev-admin");
    }

    [Fact]
    public async Task Product_availability_lists_the_units_of_every_sku_with_two_cosmos_calls()
    {
        var (stocked, unstocked) = (NewSku(), NewSku());
        var body = new
        {
            name = TestCatalog.Unique("Stocked Mug"),
            status = "active",
            variants = new[]
            {
                new { sku = stocked, options = new { size = "S" }, price = new { amount = 12m, currency = "EUR" } },
                new { sku = unstocked, options = new { size = "M" }, price = new { amount = 12m, currency = "EUR" } },
            },
        };
        var (id, _, _) = await _catalog.CreateProductAsync(body);
        await AdjustOkAsync(stocked, 7, "received");
        await AdjustOkAsync(stocked, 3, "received", warehouse: "north");
        await AdjustOkAsync(stocked, -1, "sold");

        await _catalog.Anonymous.GetAsync($"api/products/{id}/availability"); // warms the SDK's caches
        var response = await _catalog.Anonymous.GetAsync($"api/products/{id}/availability");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var availability = (await response.JsonAsync()).EnumerateArray()
            .Select(a => (a.GetProperty("sku").GetString(), a.GetProperty("available").GetInt32())).ToList();
        availability.ShouldBe([(stocked, 9), (unstocked, 0)]);
        response.CosmosCalls().ShouldBe(2); // the product, then one ReadMany for all its SKUs
    }
}
