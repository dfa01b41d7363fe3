using System.Net;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// The proof that personal data is encrypted at rest: guests and customers fill carts and buy through the API, every
/// checkout runs to the end (so each order is written many times), and then no document in any container of the Cosmos
/// DB emulator holds one of their personal values in plain text, while the API still shows them and finds their orders
/// by email.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PersonalDataAtRestTests(LocalShopFixture fixture)
{
    private readonly PrivacyShopper _shop = new(fixture);

    [Fact]
    public async Task No_container_holds_a_plain_personal_value_of_a_guest_or_a_customer_and_the_API_still_reads_and_finds_them()
    {
        var guest = TestPerson.New();
        var customer = TestPerson.New();
        var customerId = PrivacyShopper.NewCustomerId();
        var customerClient = _shop.Customer(customerId);

        var guestOrder = await _shop.GuestBuysAsync(guest);
        var customerOrder = await _shop.CustomerBuysAsync(customerClient, customer);
        // A cart of each that is not checked out, too.
        await _shop.Checkout.CartWithAsync(await _shop.Checkout.ProductInStockAsync(1), 1);
        (await customerClient.PostAsync("api/carts", null)).IsSuccessStatusCode.ShouldBeTrue();

        // The API reads them whole ...
        var staffView = await _shop.StaffOrderAsync(guestOrder);
        staffView.GetProperty("email").GetString().ShouldBe(guest.Email);
        staffView.GetProperty("shippingAddress").GetProperty("name").GetString().ShouldBe(guest.Name);
        staffView.GetProperty("shippingAddress").GetProperty("phone").GetString().ShouldBe(guest.Phone);
        staffView.GetProperty("shippingAddress").GetProperty("postalCode").GetString().ShouldBe(guest.PostalCode);
        var mine = await customerClient.GetAsync("api/me/orders");
        mine.StatusCode.ShouldBe(HttpStatusCode.OK);
        var listed = (await mine.JsonAsync()).GetProperty("items").EnumerateArray().Single();
        listed.GetProperty("number").GetString().ShouldBe(customerOrder);
        listed.GetProperty("email").GetString().ShouldBe(customer.Email);

        // ... and support finds each by email, in any case, through the blind index.
        (await _shop.SearchByEmailAsync(guest.Email.ToUpperInvariant())).EnumerateArray().Select(o => o.GetProperty("number").GetString()).ShouldBe([guestOrder]);
        var found = (await _shop.SearchByEmailAsync(customer.Email)).EnumerateArray().Single();
        found.GetProperty("number").GetString().ShouldBe(customerOrder);
        found.GetProperty("email").GetString().ShouldBe(customer.Email);

        // Every document of every container, raw: none of their values, in any case.
        var raw = await _shop.RawContainersAsync();
        raw["orders"].ShouldContain(guestOrder, customMessage: "the scan must see the orders it is about");
        foreach (var (container, text) in raw)
            foreach (var value in guest.Values.Concat(customer.Values))
                text.ShouldNotContain(value, Case.Insensitive, $"container {container} holds '{value}' in plain text");
    }
}
