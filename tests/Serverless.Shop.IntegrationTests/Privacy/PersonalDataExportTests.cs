using System.Net;
using System.Text.Json;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// The right of access and portability (GDPR articles 15 and 20) over HTTP: a customer downloads everything the shop keeps
/// about them, personal values readable; support downloads it on their request; nobody else can.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PersonalDataExportTests(LocalShopFixture fixture)
{
    private readonly PrivacyShopper _shop = new(fixture);

    private static async Task<JsonElement> ExportAsync(HttpClient client, string route)
    {
        var response = await client.GetAsync(route);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        response.Content.Headers.ContentDisposition?.DispositionType.ShouldBe("attachment");
        return body;
    }

    private static List<JsonElement> Orders(JsonElement export) =>
        export.GetProperty("sections").GetProperty("orders").EnumerateArray().ToList();

    [Fact]
    public async Task A_customer_downloads_their_orders_and_points_readable_and_support_gets_the_same_on_request()
    {
        var person = TestPerson.New();
        var customerId = PrivacyShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        var numbers = new[] { await _shop.CustomerBuysAsync(customer, person), await _shop.CustomerBuysAsync(customer, person) };
        var someoneElse = await _shop.CustomerBuysAsync(_shop.Customer(PrivacyShopper.NewCustomerId()), TestPerson.New());
        // Points follow the order events: wait until both paid orders earned theirs.
        await HttpTestExtensions.EventuallyAsync(
            async () => await (await customer.GetAsync("api/me/points")).JsonAsync(),
            p => p.GetProperty("movements").GetArrayLength() >= 2);

        var mine = await ExportAsync(customer, "api/me/data-export");
        var bySupport = await ExportAsync(_shop.Support, $"api/privacy/exports/{customerId}");

        mine.GetProperty("customerId").GetString().ShouldBe(customerId);
        Orders(mine).Select(o => o.GetProperty("number").GetString()).ShouldBe(numbers, ignoreOrder: true);
        Orders(mine).ShouldNotContain(o => o.GetProperty("number").GetString() == someoneElse);
        foreach (var order in Orders(mine))
        {
            order.GetProperty("email").GetString().ShouldBe(person.Email);
            order.GetProperty("shippingAddress").GetProperty("name").GetString().ShouldBe(person.Name);
            order.GetProperty("shippingAddress").GetProperty("line1").GetString().ShouldBe(person.Line1);
        }
        var points = mine.GetProperty("sections").GetProperty("points");
        points.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderNumber").GetString()).ShouldBe(numbers, ignoreOrder: true);
        points.GetProperty("balance").GetProperty("pending").GetInt32().ShouldBeGreaterThan(0);
        Orders(bySupport).Select(o => o.GetProperty("number").GetString()).ShouldBe(numbers, ignoreOrder: true);
        bySupport.GetProperty("sections").GetProperty("points").GetRawText().ShouldBe(points.GetRawText());
    }

    [Fact]
    public async Task After_erasure_the_export_holds_the_orders_books_and_nothing_personal()
    {
        var person = TestPerson.New();
        var customerId = PrivacyShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        var number = await _shop.CustomerBuysAsync(customer, person);
        (await _shop.Admin.PostAsync("api/privacy/erasures", System.Net.Http.Json.JsonContent.Create(new { customerId }))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var export = await ExportAsync(customer, "api/me/data-export");

        var order = Orders(export).Single();
        order.GetProperty("number").GetString().ShouldBe(number);
        order.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal().ShouldBeGreaterThan(0);
        foreach (var value in person.Values) export.GetRawText().ShouldNotContain(value, Case.Insensitive);
    }

    [Fact]
    public async Task A_customer_with_nothing_kept_gets_empty_sections_while_staff_asking_for_an_unknown_customer_get_404()
    {
        var newcomer = await ExportAsync(_shop.Customer(PrivacyShopper.NewCustomerId()), "api/me/data-export");

        newcomer.GetProperty("sections").EnumerateObject().ShouldAllBe(section => section.Value.ValueKind == JsonValueKind.Null);
        await ShouldBeProblem(await _shop.Support.GetAsync($"api/privacy/exports/{PrivacyShopper.NewCustomerId()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_the_customer_support_and_admins_can_export_and_a_bad_id_names_the_field()
    {
        var customerId = PrivacyShopper.NewCustomerId();
        await _shop.CustomerBuysAsync(_shop.Customer(customerId), TestPerson.New());

        await ShouldBeProblem(await _shop.Customer(PrivacyShopper.NewCustomerId()).GetAsync($"api/privacy/exports/{customerId}"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(Domain.Administration.ShopRoles.Merchandiser).GetAsync($"api/privacy/exports/{customerId}"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client().GetAsync($"api/privacy/exports/{customerId}"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client().GetAsync("api/me/data-export"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await _shop.Support.GetAsync("api/me/data-export"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await _shop.Support.GetAsync($"api/privacy/exports/{new string('c', 201)}"), HttpStatusCode.BadRequest, "customerId");
        (await ExportAsync(_shop.Admin, $"api/privacy/exports/{customerId}")).GetProperty("customerId").GetString().ShouldBe(customerId);
    }
}
