using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Inventory;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Inventory;

/// <summary>Warehouses over HTTP: CRUD with versions, roles, bad input that writes nothing, and stock booked into them.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class WarehouseApiTests(LocalShopFixture fixture)
{
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static object Body(string name, double latitude = 51.8897, double longitude = 4.4350, string[]? shipsTo = null, bool active = true, string? id = null) => new
    {
        id,
        name,
        address = new { line1 = "Waalhaven 1", city = "Rotterdam", postalCode = "3089 JH", country = "NL" },
        location = new { latitude, longitude },
        shipsTo = shipsTo ?? ["NL", "BE"],
        priority = 5,
        active,
        dispatch = new { cutOff = "14:30", timeZone = "Europe/Amsterdam", holidays = new[] { "2026-12-25" } },
    };

    private async Task<(JsonElement Body, string ETag)> CreateAsync(object body)
    {
        var response = await _merchandiser.PostJsonAsync("api/warehouses", body);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        return (json, response.Headers.ETag!.Tag);
    }

    private async Task<List<JsonElement>> ListAsync()
    {
        var response = await _merchandiser.GetAsync("api/warehouses");
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json.GetProperty("items").EnumerateArray().ToList();
    }

    [Fact]
    public async Task A_merchandiser_creates_reads_lists_and_replaces_a_warehouse()
    {
        var id = Unique("rdam");
        var (created, etag) = await CreateAsync(Body($"Rotterdam {id}", id: id));

        created.GetProperty("id").GetString().ShouldBe(id);
        created.GetProperty("location").GetProperty("latitude").GetDouble().ShouldBe(51.8897);
        created.GetProperty("shipsTo").EnumerateArray().Select(c => c.GetString()).ShouldBe(["BE", "NL"]);
        created.GetProperty("dispatch").GetProperty("cutOff").GetString().ShouldStartWith("14:30");
        created.GetProperty("dispatch").GetProperty("timeZone").GetString().ShouldBe("Europe/Amsterdam");
        created.GetProperty("dispatch").GetProperty("holidays")[0].GetString().ShouldBe("2026-12-25");
        (await ListAsync()).Select(w => w.GetProperty("id").GetString()).ShouldContain(id);
        var read = await _merchandiser.GetAsync($"api/warehouses/{id}");
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Headers.ETag!.Tag.ShouldBe(etag);

        var replaced = await _merchandiser.PutJsonAsync($"api/warehouses/{id}", Body($"Rotterdam {id}", active: false), etag);
        var replacedBody = await replaced.JsonAsync();
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK, replacedBody.ToString());
        replacedBody.GetProperty("active").GetBoolean().ShouldBeFalse();
        replaced.Headers.ETag!.Tag.ShouldNotBe(etag);

        await ShouldBeProblem(await _merchandiser.PutJsonAsync($"api/warehouses/{id}", Body($"Rotterdam {id}"), etag), HttpStatusCode.PreconditionFailed);
        await ShouldBeProblem(await _merchandiser.PutJsonAsync($"api/warehouses/{id}", Body($"Rotterdam {id}"), null), HttpStatusCode.PreconditionRequired);
        await ShouldBeProblem(await _merchandiser.GetAsync("api/warehouses/no-such-warehouse"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_staff_see_warehouses_and_only_merchandisers_and_admins_change_them()
    {
        await ShouldBeProblem(await fixture.Client().GetAsync("api/warehouses"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Marketer).GetAsync("api/warehouses"), HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Support).GetAsync("api/warehouses")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Support).PostJsonAsync("api/warehouses", Body(Unique("x"))), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await _merchandiser.PostJsonAsync("api/warehouses/migrate", new { shipsTo = new[] { "DE" } }), HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Admin).PostJsonAsync("api/warehouses", Body(Unique("Admin")))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Bad_coordinates_and_unknown_country_codes_are_problems_on_their_fields_and_create_nothing()
    {
        var name = Unique("Bad");
        var response = await _merchandiser.PostJsonAsync("api/warehouses", Body(name, latitude: 95, longitude: -200, shipsTo: ["NL", "XX"]));

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest, "location.latitude");
        problem.GetProperty("errors").TryGetProperty("location.longitude", out _).ShouldBeTrue();
        problem.GetProperty("errors").TryGetProperty("shipsTo[1]", out _).ShouldBeTrue();
        (await ListAsync()).ShouldNotContain(w => w.GetProperty("name").GetString() == name);
        await ShouldBeProblem(await _merchandiser.SendRawAsync(HttpMethod.Post, "api/warehouses", "{\"name\": 12"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_duplicate_name_is_a_conflict_on_the_name_field()
    {
        var name = Unique("Dup");
        await CreateAsync(Body(name));

        await ShouldBeProblem(await _merchandiser.PostJsonAsync("api/warehouses", Body(name.ToUpperInvariant(), id: Unique("other"))), HttpStatusCode.Conflict, "name");
        (await ListAsync()).Count(w => string.Equals(w.GetProperty("name").GetString(), name, StringComparison.OrdinalIgnoreCase)).ShouldBe(1);
    }

    [Fact]
    public async Task Stock_is_booked_into_an_active_warehouse_with_a_bin_and_refused_for_an_unknown_or_inactive_one()
    {
        var sku = "WH-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (active, _) = await CreateAsync(Body(Unique("Open")));
        var (inactive, _) = await CreateAsync(Body(Unique("Closed"), active: false));
        var activeId = active.GetProperty("id").GetString()!;

        var booked = await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { warehouse = activeId, quantity = 6, reason = "received" });
        (await booked.JsonAsync()).GetProperty("onHand").GetProperty(activeId).GetInt32().ShouldBe(6);
        var bin = await _merchandiser.PutJsonAsync($"api/inventory/{sku}/bins/{activeId}", new { bin = "A-12-3" }, null);
        var binBody = await bin.JsonAsync();
        bin.StatusCode.ShouldBe(HttpStatusCode.OK, binBody.ToString());
        binBody.GetProperty("bins").GetProperty(activeId).GetString().ShouldBe("A-12-3");

        await ShouldBeProblem(await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { warehouse = "no-such-place", quantity = 1, reason = "received" }), HttpStatusCode.BadRequest, "warehouse");
        await ShouldBeProblem(await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { warehouse = inactive.GetProperty("id").GetString(), quantity = 1, reason = "received" }), HttpStatusCode.Conflict, "warehouse");
        await ShouldBeProblem(await _merchandiser.PutJsonAsync($"api/inventory/{sku}/bins/{activeId}", new { bin = "no spaces" }, null), HttpStatusCode.BadRequest, "bin");
        var level = await (await _merchandiser.GetAsync($"api/inventory/{sku}")).JsonAsync();
        level.GetProperty("totalOnHand").GetInt32().ShouldBe(6);
        level.GetProperty("bins").GetProperty(activeId).GetString().ShouldBe("A-12-3");
    }

    [Fact]
    public async Task A_transfer_is_in_transit_in_neither_warehouse_until_received_and_more_than_on_hand_is_refused()
    {
        var sku = "TRF-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (second, _) = await CreateAsync(Body(Unique("Second")));
        var secondId = second.GetProperty("id").GetString()!;
        (await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity = 5, reason = "count" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        await ShouldBeProblem(await _merchandiser.PostJsonAsync($"api/inventory/{sku}/transfers", new { from = "main", to = secondId, quantity = 6 }), HttpStatusCode.Conflict, "quantity");
        var dispatched = await _merchandiser.PostJsonAsync($"api/inventory/{sku}/transfers", new { from = "main", to = secondId, quantity = 3, note = "stock the second warehouse" });
        var body = await dispatched.JsonAsync();
        dispatched.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        var transferId = body.GetProperty("transferId").GetString()!;
        body.GetProperty("stock").GetProperty("available").GetInt32().ShouldBe(2);
        body.GetProperty("stock").GetProperty("inTransit")[0].GetProperty("to").GetString().ShouldBe(secondId);

        var received = await _merchandiser.PostAsync($"api/inventory/{sku}/transfers/{transferId}/receipt", null);
        var level = await received.JsonAsync();
        received.StatusCode.ShouldBe(HttpStatusCode.OK, level.ToString());
        level.GetProperty("onHand").GetProperty(secondId).GetInt32().ShouldBe(3);
        level.GetProperty("onHand").GetProperty("main").GetInt32().ShouldBe(2);
        level.GetProperty("available").GetInt32().ShouldBe(5);
        level.GetProperty("inTransit").GetArrayLength().ShouldBe(0);
        (await (await _merchandiser.PostAsync($"api/inventory/{sku}/transfers/{transferId}/receipt", null)).JsonAsync()).GetProperty("onHand").GetProperty(secondId).GetInt32().ShouldBe(3);
        await ShouldBeProblem(await _merchandiser.PostAsync($"api/inventory/{sku}/transfers/trf_unknown/receipt", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_migration_makes_a_warehouse_of_a_free_form_name_once_and_its_stock_stays_where_it_was()
    {
        // Stock written before warehouses were entities: a level under a free-form name and nothing else.
        var legacy = Unique("legacy");
        var sku = "MIG-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var inventory = fixture.Shop.Services.GetRequiredService<IInventoryStore>();
        await inventory.SaveAsync(StockItem.Empty(sku).Apply("adj_old", legacy, 4, AdjustmentReason.Count, null, "old-api", DateTimeOffset.UtcNow), null, CancellationToken.None);
        var admin = fixture.Client(ShopRoles.Admin);

        var first = await admin.PostJsonAsync("api/warehouses/migrate", new { shipsTo = new[] { "nl", "DE" } });
        var firstBody = await first.JsonAsync();
        first.StatusCode.ShouldBe(HttpStatusCode.OK, firstBody.ToString());
        firstBody.GetProperty("created").EnumerateArray().Select(e => e.GetString()).ShouldContain(legacy);
        var second = await (await admin.PostJsonAsync("api/warehouses/migrate", new { shipsTo = new[] { "NL" } })).JsonAsync();
        second.GetProperty("created").EnumerateArray().Select(e => e.GetString()).ShouldNotContain(legacy);
        second.GetProperty("alreadyWarehouses").EnumerateArray().Select(e => e.GetString()).ShouldContain(legacy);

        var warehouse = await (await admin.GetAsync($"api/warehouses/{legacy}")).JsonAsync();
        warehouse.GetProperty("active").GetBoolean().ShouldBeTrue();
        warehouse.GetProperty("shipsTo").EnumerateArray().Select(e => e.GetString()).ShouldBe(["DE", "NL"]);
        warehouse.TryGetProperty("location", out _).ShouldBeFalse();
        (await (await admin.GetAsync($"api/inventory/{sku}")).JsonAsync()).GetProperty("onHand").GetProperty(legacy).GetInt32().ShouldBe(4);
        var booked = await admin.PostJsonAsync($"api/inventory/{sku}/adjustments", new { warehouse = legacy, quantity = 1, reason = "received" });
        booked.StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeProblem(await admin.PostJsonAsync("api/warehouses/migrate", new { shipsTo = new[] { "UK" } }), HttpStatusCode.BadRequest, "shipsTo[0]");
    }
}
