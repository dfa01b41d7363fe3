using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Customers;
using Serverless.Shop.IntegrationTests.Customers;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// Profiles at rest: the raw documents of the <c>customers</c> container hold no plain name, email, phone, address or
/// date of birth; the export carries the profile opened; erasing the customer deletes the profile (and its blind
/// indexes), and a raw copy taken before no longer opens.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CustomerProfilePrivacyTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly PrivacyShopper _shop = new(fixture);
    private readonly IPersonalDataVault _vault = fixture.Shop.Services.GetRequiredService<IPersonalDataVault>();

    private static string BirthDate() => $"19{Random.Shared.Next(30, 40)}-0{Random.Shared.Next(1, 10)}-{Random.Shared.Next(10, 29)}";

    /// <summary>A customer whose profile holds every personal field, each unique to the test.</summary>
    private async Task<(ProfileClient Customer, string CustomerId, TestPerson Person, string BirthDate)> FullProfileAsync()
    {
        var person = TestPerson.New();
        var birth = BirthDate();
        var (customer, customerId) = await ProfileClient.SignUpAsync(fixture, person.Email, person.Name);
        var patched = await customer.PatchAsync(new { phone = person.Phone, dateOfBirth = birth, marketingConsent = new { email = true } });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK, (await patched.JsonAsync()).ToString());
        await customer.AddedAddressIdAsync(person.Address);
        return (customer, customerId, person, birth);
    }

    private async Task<JsonElement> RawProfileAsync(string customerId)
    {
        var id = CosmosCustomerProfileStore.DocumentId(customerId);
        using var response = await fixture.Shop.Services.GetRequiredService<ShopContainers>().Customers.ReadItemStreamAsync(id, new PartitionKey(id));
        response.IsSuccessStatusCode.ShouldBeTrue(response.ErrorMessage);
        return (await JsonDocument.ParseAsync(response.Content)).RootElement.Clone();
    }

    [Fact]
    public async Task No_profile_document_holds_a_plain_personal_value_while_the_API_reads_them_and_support_finds_them()
    {
        var (customer, customerId, person, birth) = await FullProfileAsync();

        var profile = await customer.ProfileAsync();
        profile.GetProperty("email").GetString().ShouldBe(person.Email);
        profile.GetProperty("phone").GetString().ShouldBe(person.Phone);
        profile.GetProperty("dateOfBirth").GetString().ShouldBe(birth);
        profile.GetProperty("addresses")[0].GetProperty("line1").GetString().ShouldBe(person.Line1);
        var found = await (await _shop.Support.GetAsync($"api/customers?email={Uri.EscapeDataString(person.Email)}")).JsonAsync();
        found.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("customerId").GetString()).ShouldBe([customerId]);

        var raw = await _shop.RawContainersAsync();
        raw["customers"].ShouldContain(CosmosCustomerProfileStore.DocumentId(customerId), customMessage: "the scan must see the profile it is about");
        foreach (var (container, text) in raw)
            foreach (var value in person.Values.Append(birth))
                text.ShouldNotContain(value, Case.Insensitive, $"container {container} holds '{value}' in plain text");
    }

    [Fact]
    public async Task The_export_carries_the_profile_opened()
    {
        var (_, customerId, person, birth) = await FullProfileAsync();

        var export = await fixture.Shop.Services.GetRequiredService<ExportPersonalData>().ExportAsync(customerId, Ct);

        var profile = JsonSerializer.SerializeToElement(export.Sections["profile"], ShopJson.Options);
        profile.GetProperty("email").GetString().ShouldBe(person.Email);
        profile.GetProperty("dateOfBirth").GetString().ShouldBe(birth);
        profile.GetProperty("addresses")[0].GetProperty("postalCode").GetString().ShouldBe(person.PostalCode);
        profile.GetProperty("consentHistory")[0].GetProperty("channel").GetString().ShouldBe("email");
    }

    [Fact]
    public async Task After_erasing_the_customer_the_profile_is_gone_and_a_copy_taken_before_no_longer_opens()
    {
        var (customer, customerId, person, _) = await FullProfileAsync();
        var backup = await RawProfileAsync(customerId);
        var sealedPersonal = backup.GetProperty("personal").GetString();
        // The copy is ciphertext that the customer's key opens: this is what the erasure must take away.
        (await _vault.OpenAsync(DataOwner.Customer(customerId), createIfMissing: false, Ct)).Unseal(sealedPersonal)!.ShouldContain(person.Email);

        var erased = await _shop.Checkout.SendAsync(HttpMethod.Post, "api/privacy/erasures", null, new { customerId }, client: _shop.Admin);
        erased.StatusCode.ShouldBe(HttpStatusCode.OK, (await erased.JsonAsync()).ToString());

        (await _vault.OpenAsync(DataOwner.Customer(customerId), createIfMissing: true, Ct)).Unseal(sealedPersonal).ShouldBe(PersonalData.Erased);
        var id = CosmosCustomerProfileStore.DocumentId(customerId);
        using (var read = await fixture.Shop.Services.GetRequiredService<ShopContainers>().Customers.ReadItemStreamAsync(id, new PartitionKey(id)))
            read.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the profile document (and the blind indexes on it) must be deleted");
        foreach (var query in new[] { $"email={Uri.EscapeDataString(person.Email)}", $"phone={Uri.EscapeDataString(person.Phone)}", $"name={Uri.EscapeDataString(person.Name)}" })
            (await (await _shop.Support.GetAsync($"api/customers?{query}")).JsonAsync()).GetProperty("items").GetArrayLength().ShouldBe(0, query);
        await ProblemAssertions.ShouldBeProblem(await _shop.Support.GetAsync($"api/customers/{Uri.EscapeDataString(customerId)}"), HttpStatusCode.NotFound);

        // Signing in again after the erasure: the key is gone for good, so the new profile stores nothing readable either.
        await customer.ProfileAsync();
        (await RawProfileAsync(customerId)).GetRawText().ShouldNotContain(person.Email, Case.Insensitive);
        (await customer.ProfileAsync()).GetProperty("email").GetString().ShouldBe(PersonalData.Erased);
    }
}
