using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Privacy;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// The proof of erasure by crypto-shredding: a raw copy of the orders (as a backup holds them) opens before the erasure
/// and never after; the orders keep their amounts, dates and products; listings still work.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PersonalDataErasureTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly PrivacyShopper _shop = new(fixture);
    private readonly IPersonalDataVault _vault = fixture.Shop.Services.GetRequiredService<IPersonalDataVault>();

    private async Task<HttpResponseMessage> EraseAsync(object body, HttpClient? client = null) =>
        await _shop.Checkout.SendAsync(HttpMethod.Post, "api/privacy/erasures", null, body, client: client ?? _shop.Admin);

    // What someone holding the copy and the shop's keys could read of it: the email sealed in the copied document.
    private async Task<string?> OpenCopiedEmailAsync(JsonElement copy, DataOwner owner) =>
        (await _vault.OpenAsync(owner, createIfMissing: false, Ct)).Unseal(copy.GetProperty("order").GetProperty("email").GetString());

    [Fact]
    public async Task After_erasing_a_customer_and_a_guest_order_a_copy_taken_before_no_longer_opens_and_the_orders_keep_their_books()
    {
        var customer = TestPerson.New();
        var guest = TestPerson.New();
        var customerId = PrivacyShopper.NewCustomerId();
        var customerClient = _shop.Customer(customerId);
        var customerOrders = new[] { await _shop.CustomerBuysAsync(customerClient, customer), await _shop.CustomerBuysAsync(customerClient, customer) };
        var guestOrder = await _shop.GuestBuysAsync(guest);
        var owners = customerOrders.Select(n => (Number: n, Owner: DataOwner.Customer(customerId), Person: customer))
            .Append((Number: guestOrder, Owner: DataOwner.GuestOrder(guestOrder), Person: guest)).ToList();

        var before = new Dictionary<string, JsonElement>();
        var backup = new Dictionary<string, JsonElement>();
        foreach (var (number, owner, person) in owners)
        {
            before[number] = await _shop.StaffOrderAsync(number);
            backup[number] = await _shop.RawOrderAsync(number);
            // The copy is ciphertext that the owner's key opens: this is what the erasure must take away.
            backup[number].GetRawText().ShouldNotContain(person.Email);
            (await OpenCopiedEmailAsync(backup[number], owner)).ShouldBe(person.Email);
        }

        var erasedCustomer = await EraseAsync(new { customerId });
        var erasedGuest = await EraseAsync(new { orderNumber = guestOrder });

        (await erasedCustomer.JsonAsync()).GetProperty("keyDestroyed").GetBoolean().ShouldBeTrue();
        erasedCustomer.StatusCode.ShouldBe(HttpStatusCode.OK);
        var guestResult = await erasedGuest.JsonAsync();
        erasedGuest.StatusCode.ShouldBe(HttpStatusCode.OK, guestResult.ToString());
        guestResult.GetProperty("ownerKind").GetString().ShouldBe(DataOwner.GuestOrderKind);
        foreach (var (number, owner, person) in owners)
        {
            (await OpenCopiedEmailAsync(backup[number], owner)).ShouldBe(PersonalData.Erased, $"the copy of {number} still opens");
            var name = backup[number].GetProperty("order").GetProperty("shippingAddress").GetProperty("name").GetString();
            (await _vault.OpenAsync(owner, createIfMissing: true, Ct)).Unseal(name).ShouldBe(PersonalData.Erased);

            var after = await _shop.StaffOrderAsync(number);
            after.GetProperty("email").GetString().ShouldBe(PersonalData.Erased);
            after.GetProperty("shippingAddress").GetProperty("name").GetString().ShouldBe(PersonalData.Erased);
            after.GetProperty("shippingAddress").GetProperty("country").GetString().ShouldBe("NL");
            foreach (var kept in new[] { "pricing", "createdAt", "status", "paidAt" })
                after.GetProperty(kept).GetRawText().ShouldBe(before[number].GetProperty(kept).GetRawText(), $"{kept} of {number}");
            var live = (await _shop.RawOrderAsync(number)).GetRawText();
            foreach (var value in person.Values) live.ShouldNotContain(value, Case.Insensitive);
            live.ShouldNotContain("\"emailIndex\":\"", customMessage: "an erased order must not keep its email's blind index");
            (await _shop.SearchByEmailAsync(person.Email)).GetArrayLength().ShouldBe(0);
        }

        // Listings show the erased orders with their totals, and fail on nothing.
        var mine = await customerClient.GetAsync("api/me/orders");
        var items = (await mine.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        mine.StatusCode.ShouldBe(HttpStatusCode.OK);
        items.Select(i => i.GetProperty("email").GetString()).ShouldAllBe(e => e == PersonalData.Erased);
        items.Select(i => i.GetProperty("total").GetRawText()).OrderBy(t => t)
            .ShouldBe(customerOrders.Select(n => before[n].GetProperty("pricing").GetProperty("total").GetRawText()).OrderBy(t => t));

        // Erasing again is harmless, and says there was nothing left to destroy.
        (await (await EraseAsync(new { customerId })).JsonAsync()).GetProperty("keyDestroyed").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_claimed_guest_orders_old_copies_no_longer_open_and_erasing_the_customer_shreds_the_new_ones()
    {
        var guest = TestPerson.New();
        var number = await _shop.GuestBuysAsync(guest);
        var copyAsGuests = await _shop.RawOrderAsync(number);
        (await OpenCopiedEmailAsync(copyAsGuests, DataOwner.GuestOrder(number))).ShouldBe(guest.Email);
        var accounts = new Customers.LocalCustomerAccounts(fixture);
        var customer = accounts.ClientWith(await accounts.VerifiedCustomerTokenAsync(guest.Email));

        var claim = await customer.PostAsync("api/me/guest-data/claim", System.Net.Http.Json.JsonContent.Create(new { }));
        (await claim.JsonAsync()).GetProperty("claimedOrders").EnumerateArray().Single().GetString().ShouldBe(number);
        var customerId = (await fixture.Shop.Services.GetRequiredService<Domain.Orders.IOrderStore>().FindAsync(number, Ct))!.Value.CustomerId!;
        var copyAsCustomers = await _shop.RawOrderAsync(number);

        // The guest key went with the claim: a backup from the guest days is already unreadable.
        (await OpenCopiedEmailAsync(copyAsGuests, DataOwner.GuestOrder(number))).ShouldBe(PersonalData.Erased);
        (await OpenCopiedEmailAsync(copyAsCustomers, DataOwner.Customer(customerId))).ShouldBe(guest.Email);
        (await _shop.StaffOrderAsync(number)).GetProperty("email").GetString().ShouldBe(guest.Email);

        (await EraseAsync(new { customerId })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await OpenCopiedEmailAsync(copyAsCustomers, DataOwner.Customer(customerId))).ShouldBe(PersonalData.Erased);
        (await _shop.StaffOrderAsync(number)).GetProperty("email").GetString().ShouldBe(PersonalData.Erased);
    }

    [Fact]
    public async Task Erasure_needs_exactly_one_owner_an_existing_guest_order_and_the_admin_role()
    {
        await ShouldBeProblem(await EraseAsync(new { }), HttpStatusCode.BadRequest, "customerId");
        await ShouldBeProblem(await EraseAsync(new { customerId = "cust_1", orderNumber = "SS-AAAA-BBBB" }), HttpStatusCode.BadRequest, "orderNumber");
        await ShouldBeProblem(await EraseAsync(new { customerId = new string('x', 201) }), HttpStatusCode.BadRequest, "customerId");
        await ShouldBeProblem(await EraseAsync(new { orderNumber = "SS-NONE-" + Guid.NewGuid().ToString("N")[..4] }), HttpStatusCode.NotFound);
        await ShouldBeProblem(await EraseAsync(new { customerId = "cust_1" }, _shop.Support), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await EraseAsync(new { customerId = "cust_1" }, fixture.Client()), HttpStatusCode.Unauthorized);

        // A customer's order is sealed with the customer's key: erasing it alone is refused, and it stays readable.
        var customer = TestPerson.New();
        var number = await _shop.CustomerBuysAsync(_shop.Customer(PrivacyShopper.NewCustomerId()), customer);
        await ShouldBeProblem(await EraseAsync(new { orderNumber = number }), HttpStatusCode.Conflict, "orderNumber");
        (await _shop.StaffOrderAsync(number)).GetProperty("email").GetString().ShouldBe(customer.Email);
    }
}
