using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// Orders stored before personal data was sealed (a developer's <c>.local</c> from earlier runs, or a live database
/// when this ships) hold plain values and the plain <c>emailKey</c>, and no <c>sealed</c> field. They still read and
/// are still found by email; their next write seals them.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PersonalDataWrittenBeforeSealingTests(LocalShopFixture fixture)
{
    private readonly PrivacyShopper _shop = new(fixture);
    private readonly Container _orders = fixture.Shop.Services.GetRequiredService<ShopContainers>().Orders;

    private static Money Eur(decimal amount) => new(amount, "EUR");

    /// <summary>An order document exactly as the store wrote it before sealing existed.</summary>
    private async Task<string> StoreUnsealedOrderAsync(TestPerson person)
    {
        var line = new PricedLine("line_1", "prod_mug", "MUG-BLUE", "Blue mug", 1, Eur(20m), null, Eur(20m), [], Eur(0m), Eur(16.81m), 0.19m, Eur(3.19m), Eur(20m), null);
        var pricing = new PricedCart("EUR", [line], [], [], Eur(20m), Eur(0m), Eur(4.90m), Eur(0m), Eur(0.78m), Eur(3.97m), Eur(20.93m), Eur(24.90m), true);
        var order = await fixture.Shop.Services.GetRequiredService<ManageOrders>().PlaceAsync(new PlaceOrder(OrderNumbers.New(), null, person.Email, pricing,
            new ShippingAddress(person.Name, person.Line1, null, person.City, person.PostalCode, null, "NL", person.Phone),
            new ShippingQuote("localpost", "standard", Eur(4.90m), 2, 4), PaymentMethod.Card, OrderAccessTokens.New()), CancellationToken.None);

        var document = JsonNode.Parse((await _shop.RawOrderAsync(order.Number)).GetRawText())!.AsObject();
        foreach (var system in new[] { "_rid", "_self", "_etag", "_attachments", "_ts", "sealed", "emailIndex" }) document.Remove(system);
        document["emailKey"] = person.Email.ToLowerInvariant();
        document["order"]!["email"] = person.Email;
        document["summary"]!["email"] = person.Email;
        document["order"]!["shippingAddress"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(order.ShippingAddress, ShopJson.Options));
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(document.ToJsonString()));
        (await _orders.UpsertItemStreamAsync(body, new PartitionKey(order.Number))).IsSuccessStatusCode.ShouldBeTrue();
        return order.Number;
    }

    [Fact]
    public async Task An_order_stored_in_plain_text_reads_and_is_found_by_email_and_its_next_write_seals_it()
    {
        var person = TestPerson.New();
        var number = await StoreUnsealedOrderAsync(person);
        (await _shop.RawOrderAsync(number)).GetRawText().ShouldContain(person.Name, customMessage: "the test must start from a plain document");

        var read = await _shop.StaffOrderAsync(number);
        read.GetProperty("email").GetString().ShouldBe(person.Email);
        read.GetProperty("shippingAddress").GetProperty("city").GetString().ShouldBe(person.City);
        (await _shop.SearchByEmailAsync(person.Email.ToUpperInvariant())).EnumerateArray().Single().GetProperty("email").GetString().ShouldBe(person.Email);

        var cancelled = await _shop.Support.PostJsonAsync($"api/orders/{number}/cancel", new { reason = "Customer called" });
        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK, (await cancelled.JsonAsync()).ToString());

        var raw = await _shop.RawOrderAsync(number);
        raw.GetProperty("sealed").GetInt32().ShouldBe(1);
        (!raw.TryGetProperty("emailKey", out var plainKey) || plainKey.ValueKind == System.Text.Json.JsonValueKind.Null).ShouldBeTrue("the plain email key is dropped");
        foreach (var value in person.Values) raw.GetRawText().ShouldNotContain(value, Case.Insensitive);
        (await _shop.StaffOrderAsync(number)).GetProperty("shippingAddress").GetProperty("phone").GetString().ShouldBe(person.Phone);
        (await _shop.SearchByEmailAsync(person.Email)).EnumerateArray().Single().GetProperty("number").GetString().ShouldBe(number);
    }
}
