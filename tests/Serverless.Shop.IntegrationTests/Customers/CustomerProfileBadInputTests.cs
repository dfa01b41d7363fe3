using System.Net;
using System.Text.Json;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>
/// Bad input to the profile and the address book: each answer is a problem naming the field, and the profile reads
/// exactly as before (nothing half-written).
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CustomerProfileBadInputTests(LocalShopFixture fixture)
{
    private async Task<(ProfileClient Customer, string Before)> CustomerWithProfileAsync()
    {
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("bad"));
        (await customer.PatchAsync(new { phone = "+31 6 1234 5678", dateOfBirth = "1970-01-01", marketingConsent = new { email = true } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await customer.AddedAddressIdAsync(ProfileClient.Address());
        return (customer, (await customer.ProfileAsync()).GetRawText());
    }

    public static TheoryData<string, string> BadProfiles() => new()
    {
        { """{ "phone": "020 123 4567" }""", "phone" },
        { """{ "phone": "+31 abc" }""", "phone" },
        { """{ "phone": "+1234567890123456789" }""", "phone" },
        { """{ "dateOfBirth": "23-04-1990" }""", "dateOfBirth" },
        { """{ "dateOfBirth": "1990-02-30" }""", "dateOfBirth" },
        { """{ "dateOfBirth": "2999-01-01" }""", "dateOfBirth" },
        { """{ "dateOfBirth": "1850-01-01" }""", "dateOfBirth" },
        { """{ "language": "not a language" }""", "language" },
        { """{ "name": "line\nbreak" }""", "name" },
        { """{ "marketingConsent": { "fax": true } }""", "marketingConsent.fax" },
        { """{ "marketingConsent": { "email": "yes" } }""", "marketingConsent.email" },
        { """{ "defaultShippingAddressId": "addr_unknown" }""", "defaultShippingAddressId" },
        { """{ "defaultBillingAddressId": "addr_unknown" }""", "defaultBillingAddressId" },
        // A valid change beside an invalid one: neither is applied.
        { """{ "language": "de", "marketingConsent": { "email": false, "post": true } }""", "marketingConsent.post" },
    };

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task A_bad_profile_field_is_a_400_naming_it_and_changes_nothing(string body, string field)
    {
        var (customer, before) = await CustomerWithProfileAsync();

        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Patch, "api/me/profile", body), HttpStatusCode.BadRequest, field);
        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Put, "api/me/profile", body), HttpStatusCode.BadRequest, field);

        (await customer.ProfileAsync()).GetRawText().ShouldBe(before);
    }

    [Fact]
    public async Task An_email_other_than_the_verified_one_is_refused_and_the_profile_keeps_the_verified_one()
    {
        var (customer, before) = await CustomerWithProfileAsync();

        await ShouldBeProblem(await customer.PatchAsync(new { email = "someone.else@example.com" }), HttpStatusCode.Forbidden, "email");
        await ShouldBeProblem(await customer.PutAsync(new { email = "not an email", language = "de" }), HttpStatusCode.Forbidden, "email");

        (await customer.ProfileAsync()).GetRawText().ShouldBe(before);
    }

    public static TheoryData<string, string> BadAddresses() => new()
    {
        { """{ "name": "Sam", "line1": "Damrak 1", "city": "Amsterdam", "postalCode": "1012 LG", "country": "Netherlands" }""", "address.country" },
        { """{ "name": "Sam", "line1": "Damrak 1", "city": "Amsterdam", "postalCode": "1012 LG", "country": "nl" }""", "address.country" },
        { """{ "name": "Sam", "line1": "Damrak 1", "city": "Amsterdam", "postalCode": "ABCDE", "country": "DE" }""", "address.postalCode" },
        { """{ "name": "Sam", "city": "Amsterdam", "postalCode": "1012 LG", "country": "NL" }""", "address.line1" },
        { """{ "name": "Sam", "line1": "Damrak 1", "city": "Amsterdam", "postalCode": "1012 LG", "country": "NL", "phone": "call me" }""", "address.phone" },
    };

    [Theory]
    [MemberData(nameof(BadAddresses))]
    public async Task A_bad_address_is_a_400_naming_the_field_and_the_book_stays_as_it_was(string body, string field)
    {
        var (customer, before) = await CustomerWithProfileAsync();
        var existing = (await customer.ProfileAsync()).GetProperty("addresses")[0].GetProperty("id").GetString();

        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Post, "api/me/addresses", body), HttpStatusCode.BadRequest, field);
        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Put, $"api/me/addresses/{existing}", body), HttpStatusCode.BadRequest, field);

        (await customer.ProfileAsync()).GetRawText().ShouldBe(before);
    }

    [Fact]
    public async Task An_unknown_address_id_is_a_404_for_replacing_and_removing()
    {
        var (customer, before) = await CustomerWithProfileAsync();

        await ShouldBeProblem(await customer.SendAsync(HttpMethod.Put, "api/me/addresses/addr_nope", ProfileClient.Address()), HttpStatusCode.NotFound);
        await ShouldBeProblem(await customer.SendAsync(HttpMethod.Delete, "api/me/addresses/addr_nope"), HttpStatusCode.NotFound);

        (await customer.ProfileAsync()).GetRawText().ShouldBe(before);
    }

    [Fact]
    public async Task The_address_book_takes_at_most_twenty_addresses()
    {
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("many"));
        for (var i = 1; i <= 20; i++) await customer.AddedAddressIdAsync(ProfileClient.Address(line1: $"Damrak {i}"));
        var full = (await customer.ProfileAsync()).GetRawText();

        await ShouldBeProblem(await customer.AddAddressAsync(ProfileClient.Address(line1: "Damrak 21")), HttpStatusCode.BadRequest, "addresses");

        var after = await customer.ProfileAsync();
        after.GetRawText().ShouldBe(full);
        after.GetProperty("addresses").GetArrayLength().ShouldBe(20);
    }

    [Fact]
    public async Task A_5_MB_body_is_refused_with_413_and_changes_nothing()
    {
        var (customer, before) = await CustomerWithProfileAsync();
        var huge = JsonSerializer.Serialize(new { name = new string('a', 5 * 1024 * 1024) });

        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Patch, "api/me/profile", huge), HttpStatusCode.RequestEntityTooLarge);
        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Post, "api/me/addresses", huge), HttpStatusCode.RequestEntityTooLarge);

        (await customer.ProfileAsync()).GetRawText().ShouldBe(before);
    }

    [Fact]
    public async Task A_body_that_is_not_a_json_object_is_a_400()
    {
        var (customer, before) = await CustomerWithProfileAsync();

        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Patch, "api/me/profile", "[1, 2]"), HttpStatusCode.BadRequest);
        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Patch, "api/me/profile", "null"), HttpStatusCode.BadRequest, "body");
        await ShouldBeProblem(await customer.Http.SendRawAsync(HttpMethod.Patch, "api/me/profile", """{ "language": "nl" }""", "text/plain"), HttpStatusCode.UnsupportedMediaType);

        (await customer.ProfileAsync()).GetRawText().ShouldBe(before);
    }
}
