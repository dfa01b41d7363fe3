using System.Net;
using System.Text.Json;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>/api/me/profile and /api/me/addresses over HTTP: the profile starts from the sign-in, and changes as the customer says.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CustomerProfileApiTests(LocalShopFixture fixture)
{
    private static IEnumerable<string> Ids(JsonElement book) => book.GetProperty("addresses").EnumerateArray().Select(a => a.GetProperty("id").GetString()!);

    [Fact]
    public async Task The_first_read_makes_the_profile_from_the_sign_in_and_reading_again_gives_the_same_profile()
    {
        var email = LocalCustomerAccounts.NewEmail("profile");
        var accounts = new LocalCustomerAccounts(fixture);
        var customer = new ProfileClient(accounts.ClientWith(await accounts.VerifiedCustomerTokenAsync(email, "Ada Lovelace")));

        var first = await customer.Http.GetAsync("api/me/profile");
        var body = await first.JsonAsync();
        var again = await customer.ProfileAsync();

        first.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        first.Headers.ETag.ShouldNotBeNull();
        body.GetProperty("name").GetString().ShouldBe("Ada Lovelace");
        body.GetProperty("email").GetString().ShouldBe(email);
        body.GetProperty("addresses").GetArrayLength().ShouldBe(0);
        body.GetProperty("marketingConsent").GetProperty("email").GetBoolean().ShouldBeFalse();
        body.GetProperty("marketingConsent").GetProperty("sms").GetBoolean().ShouldBeFalse();
        again.GetProperty("customerId").GetString().ShouldBe(body.GetProperty("customerId").GetString());
        again.GetProperty("createdAt").GetString().ShouldBe(body.GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Patch_changes_the_fields_given_and_records_each_consent_change_with_its_time_and_source()
    {
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("patch"), "Grace Hopper");

        var patched = await customer.PatchAsync(new { phone = "+31 20 555 0101", language = "nl", dateOfBirth = "1990-04-23", marketingConsent = new { email = true }, consentSource = "account-page" });
        var body = await patched.JsonAsync();
        patched.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("name").GetString().ShouldBe("Grace Hopper");
        body.GetProperty("phone").GetString().ShouldBe("+31 20 555 0101");
        body.GetProperty("language").GetString().ShouldBe("nl");
        body.GetProperty("dateOfBirth").GetString().ShouldBe("1990-04-23");
        body.GetProperty("marketingConsent").GetProperty("email").GetBoolean().ShouldBeTrue();

        // The same answer again records nothing; a change does, with its source.
        (await customer.PatchAsync(new { marketingConsent = new { email = true } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var withdrawn = await (await customer.PatchAsync(new { marketingConsent = new { email = false, sms = true }, consentSource = "checkout" })).JsonAsync();
        var history = withdrawn.GetProperty("consentHistory").EnumerateArray().ToList();
        history.Select(h => (h.GetProperty("channel").GetString(), h.GetProperty("granted").GetBoolean(), h.GetProperty("source").GetString()))
            .ShouldBe([("email", true, "account-page"), ("email", false, "checkout"), ("sms", true, "checkout")]);
        history.ShouldAllBe(h => h.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        withdrawn.GetProperty("phone").GetString().ShouldBe("+31 20 555 0101");

        var read = await customer.ProfileAsync();
        read.GetProperty("marketingConsent").GetProperty("email").GetBoolean().ShouldBeFalse();
        read.GetProperty("marketingConsent").GetProperty("sms").GetBoolean().ShouldBeTrue();
        read.GetProperty("dateOfBirth").GetString().ShouldBe("1990-04-23");
    }

    [Fact]
    public async Task Put_sets_every_field_and_clears_the_missing_ones_but_keeps_the_verified_email_and_the_consents()
    {
        var email = LocalCustomerAccounts.NewEmail("put");
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, email);
        (await customer.PatchAsync(new { phone = "+44 20 7946 0018", dateOfBirth = "1985-01-02", marketingConsent = new { sms = true } })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var put = await customer.PutAsync(new { name = "Sam Q. Shopper", email = email.ToUpperInvariant(), language = "en-GB" });
        var body = await put.JsonAsync();

        put.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("name").GetString().ShouldBe("Sam Q. Shopper");
        body.GetProperty("email").GetString().ShouldBe(email);
        body.GetProperty("language").GetString().ShouldBe("en-GB");
        body.TryGetProperty("phone", out _).ShouldBeFalse("a cleared field is left out");
        body.TryGetProperty("dateOfBirth", out _).ShouldBeFalse("a cleared field is left out");
        body.GetProperty("marketingConsent").GetProperty("sms").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_change_based_on_a_stale_ETag_is_refused_and_one_on_the_current_ETag_goes_through()
    {
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("etag"));
        var read = await customer.Http.GetAsync("api/me/profile");
        var etag = read.Headers.ETag!.ToString();
        var changed = await customer.PatchAsync(new { language = "de" }, etag);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);

        await ShouldBeProblem(await customer.PatchAsync(new { language = "fr" }, etag), HttpStatusCode.PreconditionFailed, "If-Match");
        (await customer.PatchAsync(new { language = "fr" }, changed.Headers.ETag!.ToString())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await customer.ProfileAsync()).GetProperty("language").GetString().ShouldBe("fr");
    }

    [Fact]
    public async Task The_address_book_keeps_several_addresses_with_a_default_for_shipping_and_one_for_billing()
    {
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("book"));

        var home = await customer.AddedAddressIdAsync(ProfileClient.Address());
        var work = await customer.AddedAddressIdAsync(ProfileClient.Address(line1: "Herengracht 100", postalCode: "1015bs", defaultBilling: true));
        var parents = await customer.AddedAddressIdAsync(ProfileClient.Address(name: "Sam's parents", line1: "Hauptstrasse 5", city: "Berlin", postalCode: "10115", country: "DE"));
        var book = await (await customer.Http.GetAsync("api/me/addresses")).JsonAsync();

        Ids(book).ShouldBe([home, work, parents]);
        book.GetProperty("defaultShippingAddressId").GetString().ShouldBe(home, "the first address becomes the default");
        book.GetProperty("defaultBillingAddressId").GetString().ShouldBe(work);
        book.GetProperty("addresses")[1].GetProperty("postalCode").GetString().ShouldBe("1015 BS", "addresses are stored normalised");

        var moved = await (await customer.PatchAsync(new { defaultShippingAddressId = parents })).JsonAsync();
        moved.GetProperty("defaultShippingAddressId").GetString().ShouldBe(parents);

        var replaced = await customer.SendAsync(HttpMethod.Put, $"api/me/addresses/{work}", ProfileClient.Address(line1: "Prinsengracht 263", postalCode: "1016 GV", defaultBilling: false));
        var afterReplace = await replaced.JsonAsync();
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK, afterReplace.ToString());
        afterReplace.GetProperty("addresses")[1].GetProperty("line1").GetString().ShouldBe("Prinsengracht 263");
        afterReplace.GetProperty("addresses")[1].GetProperty("id").GetString().ShouldBe(work);
        afterReplace.TryGetProperty("defaultBillingAddressId", out _).ShouldBeFalse("no default billing address any more");

        var removed = await customer.SendAsync(HttpMethod.Delete, $"api/me/addresses/{parents}");
        var afterRemove = await removed.JsonAsync();
        removed.StatusCode.ShouldBe(HttpStatusCode.OK, afterRemove.ToString());
        Ids(afterRemove).ShouldBe([home, work]);
        afterRemove.TryGetProperty("defaultShippingAddressId", out _).ShouldBeFalse("the removed address was the default shipping address");
        Ids(await customer.ProfileAsync()).ShouldBe([home, work]);
    }

    [Fact]
    public async Task Profiles_are_only_for_signed_in_customers_and_each_customer_sees_only_their_own()
    {
        var (ada, adaId) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("ada"), "Ada One");
        var (bob, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("bob"), "Bob Two");
        var adaAddress = await ada.AddedAddressIdAsync(ProfileClient.Address());

        (await bob.ProfileAsync()).GetProperty("name").GetString().ShouldBe("Bob Two");
        await ShouldBeProblem(await bob.SendAsync(HttpMethod.Delete, $"api/me/addresses/{adaAddress}"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await bob.PatchAsync(new { defaultShippingAddressId = adaAddress }), HttpStatusCode.BadRequest, "defaultShippingAddressId");
        await ShouldBeProblem(await bob.Http.GetAsync($"api/customers/{adaId}"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await bob.Http.GetAsync("api/customers?name=Ada%20One"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client().GetAsync("api/me/profile"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(Domain.Administration.ShopRoles.Support).GetAsync("api/me/profile"), HttpStatusCode.Forbidden);
        Ids(await ada.ProfileAsync()).ShouldBe([adaAddress]);
    }
}
