using System.Net;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Inventory;

/// <summary>Warehouses tests book stock into, created through the API once per shop (the local host seeds only <c>main</c>).</summary>
public static class TestWarehouses
{
    /// <summary>Creates the warehouse <paramref name="id"/> (active, shipping to DE and NL) unless it exists.</summary>
    public static async Task EnsureAsync(LocalShopFixture fixture, string id, double latitude = 53.55, double longitude = 9.99, string[]? shipsTo = null, int priority = 10)
    {
        var response = await fixture.Client(ShopRoles.Admin).PostJsonAsync("api/warehouses", new
        {
            id,
            name = $"Test warehouse {id}",
            address = new { line1 = "Teststraße 1", city = "Hamburg", postalCode = "20095", country = "DE" },
            location = new { latitude, longitude },
            shipsTo = shipsTo ?? ["DE", "NL"],
            priority,
        });
        if (response.StatusCode != HttpStatusCode.Conflict)
            response.StatusCode.ShouldBe(HttpStatusCode.Created, (await response.JsonAsync()).ToString());
    }
}
