using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>Someone whose every personal value is unique to the test, so finding it anywhere means it leaked.</summary>
public sealed record TestPerson(string Name, string Email, string Phone, string Line1, string City, string PostalCode)
{
    public static TestPerson New()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var digits = string.Concat(tag.Select(c => (char)('0' + c % 10)))[..7];
        var letters = string.Concat(tag.Take(2).Select(c => (char)('A' + c % 26)));
        return new($"Zelda Privacy{tag}", $"zelda.{tag}@privacy.example", $"+31 20 {digits}", $"Keizersgracht {tag}", $"Vlieland{tag}",
            $"{digits[..1].Replace("0", "1", StringComparison.Ordinal)}{digits[1..4]} {letters}");
    }

    public IReadOnlyList<string> Values => [Name, Email, Phone, Line1, City, PostalCode];

    public object Address => new { name = Name, line1 = Line1, city = City, postalCode = PostalCode, country = "NL", phone = Phone };
}

/// <summary>Buys as guests and customers through the API, and reads what Cosmos DB holds, raw.</summary>
public sealed class PrivacyShopper(LocalShopFixture fixture)
{
    public CheckoutShopper Checkout { get; } = new(fixture);
    public HttpClient Support { get; } = fixture.Client(ShopRoles.Support);
    public HttpClient Admin { get; } = fixture.Client(ShopRoles.Admin);

    public HttpClient Customer(string id)
    {
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        return client;
    }

    public static string NewCustomerId() => TestCatalog.Unique("cust");

    /// <summary>A guest's cart and card checkout, run to the end; returns the order number.</summary>
    public async Task<string> GuestBuysAsync(TestPerson person)
    {
        var variant = await Checkout.ProductInStockAsync(5);
        var cart = await Checkout.CartWithAsync(variant, 1);
        var placed = await Checkout.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, address: person.Address, email: person.Email));
        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        await Checkout.CompletedAsync(placed.Number);
        return placed.Number;
    }

    /// <summary>A signed-in customer's cart and card checkout, run to the end; returns the order number.</summary>
    public async Task<string> CustomerBuysAsync(HttpClient customer, TestPerson person)
    {
        var variant = await Checkout.ProductInStockAsync(5);
        var created = await customer.PostAsync("api/carts", null);
        var cart = await created.JsonAsync();
        created.IsSuccessStatusCode.ShouldBeTrue(cart.ToString());
        var cartId = cart.GetProperty("id").GetString()!;
        var added = await Checkout.SendAsync(HttpMethod.Post, $"api/carts/{cartId}/lines", null, new { productId = variant.ProductId, sku = variant.Sku, quantity = 2 }, client: customer);
        added.StatusCode.ShouldBe(HttpStatusCode.OK, (await added.JsonAsync()).ToString());
        var response = await Checkout.SendAsync(HttpMethod.Post, "api/checkouts", null, new
        {
            cartId, email = person.Email, shippingAddress = person.Address, paymentMethod = "card", paymentToken = CheckoutShopper.VisaToken,
            returnUrl = "https://storefront.example/checkout/done",
        }, Guid.NewGuid().ToString(), customer);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        var number = body.GetProperty("orderNumber").GetString()!;
        await Checkout.CompletedAsync(number);
        return number;
    }

    /// <summary>The local carrier delivers the customer's order (a scan <paramref name="daysAgo"/> days ago: the return window counts from it).</summary>
    public async Task DeliverAsync(HttpClient customer, string number, int daysAgo = 0)
    {
        var order = await (await customer.GetAsync($"api/me/orders/{number}")).JsonAsync();
        var tracking = order.GetProperty("tracking").GetProperty("trackingNumber").GetString();
        var delivered = await fixture.Client().PostAsync($"simulators/carrier/{tracking}/delivered?daysAgo={daysAgo}", null);
        delivered.StatusCode.ShouldBe(HttpStatusCode.OK, await delivered.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> StaffOrderAsync(string number)
    {
        var response = await Support.GetAsync($"api/orders/{number}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    public async Task<JsonElement> SearchByEmailAsync(string email)
    {
        var response = await Support.GetAsync($"api/orders?email={Uri.EscapeDataString(email)}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body.GetProperty("items");
    }

    /// <summary>Every document of every container of the shop's database, as the raw JSON Cosmos DB returns.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RawContainersAsync()
    {
        var containers = fixture.Shop.Services.GetRequiredService<ShopContainers>();
        var database = containers.Client.GetDatabase(fixture.Shop.Services.GetRequiredService<CosmosOptions>().DatabaseName);
        var raw = new Dictionary<string, string>();
        foreach (var (name, _, _) in ShopContainers.Definitions)
        {
            var text = new StringBuilder();
            using var feed = database.GetContainer(name).GetItemQueryStreamIterator("SELECT * FROM c");
            while (feed.HasMoreResults)
            {
                using var page = await feed.ReadNextAsync();
                page.IsSuccessStatusCode.ShouldBeTrue($"{name}: {page.ErrorMessage}");
                using var reader = new StreamReader(page.Content);
                text.Append(await reader.ReadToEndAsync());
            }
            raw[name] = text.ToString();
        }
        return raw;
    }

    /// <summary>One order's document as stored, raw (what a backup holds).</summary>
    public async Task<JsonElement> RawOrderAsync(string number)
    {
        var orders = fixture.Shop.Services.GetRequiredService<ShopContainers>().Orders;
        using var response = await orders.ReadItemStreamAsync(number, new PartitionKey(number));
        response.IsSuccessStatusCode.ShouldBeTrue(response.ErrorMessage);
        return (await JsonDocument.ParseAsync(response.Content)).RootElement.Clone();
    }
}
