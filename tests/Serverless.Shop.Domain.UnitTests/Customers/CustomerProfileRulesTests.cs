using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.UnitTests.Customers;

/// <summary>The rules of <see cref="CustomerProfileRules"/> and the search forms of names and phones, without any server.</summary>
public sealed class CustomerProfileRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly SignedInCustomer Ada = new("cust_ada", "ada@example.com", "Ada Lovelace");

    private static CustomerProfile Empty() => new() { CustomerId = Ada.Id, Email = Ada.VerifiedEmail, CreatedAt = Now, UpdatedAt = Now };

    private static AddressInput Address(string line1 = "Damrak 1", bool? shipping = null, bool? billing = null) =>
        new("Ada", line1, null, "Amsterdam", "1012lg", null, "NL", null, shipping, billing);

    [Fact]
    public void Only_a_change_of_consent_is_recorded_with_its_time_and_source()
    {
        var granted = CustomerProfileRules.Apply(Empty(), new ProfileInput(MarketingConsent: new Dictionary<string, bool> { ["email"] = true, ["sms"] = false }, ConsentSource: "checkout"), Ada, false, Now);
        var same = CustomerProfileRules.Apply(granted, new ProfileInput(MarketingConsent: new Dictionary<string, bool> { ["email"] = true }), Ada, false, Now.AddHours(1));
        var withdrawn = CustomerProfileRules.Apply(same, new ProfileInput(MarketingConsent: new Dictionary<string, bool> { ["email"] = false }), Ada, false, Now.AddHours(2));

        granted.ConsentHistory.ShouldBe([new ConsentChange("email", true, Now, "checkout")], "sms stays no, so nothing is recorded for it");
        same.ConsentHistory.ShouldBe(granted.ConsentHistory);
        withdrawn.ConsentHistory.Last().ShouldBe(new ConsentChange("email", false, Now.AddHours(2), CustomerProfileRules.DefaultConsentSource));
        withdrawn.MarketingConsent["email"].ShouldBeFalse();
        granted.MarketingConsent["email"].ShouldBeTrue();
    }

    [Fact]
    public void The_consent_history_keeps_the_newest_changes_up_to_its_limit()
    {
        var profile = Empty();
        for (var i = 0; i < CustomerProfileRules.MaximumConsentHistory + 5; i++)
            profile = CustomerProfileRules.Apply(profile, new ProfileInput(MarketingConsent: new Dictionary<string, bool> { ["sms"] = i % 2 == 0 }), Ada, false, Now.AddMinutes(i));

        profile.ConsentHistory.Count.ShouldBe(CustomerProfileRules.MaximumConsentHistory);
        profile.ConsentHistory[^1].At.ShouldBe(Now.AddMinutes(CustomerProfileRules.MaximumConsentHistory + 4));
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once_under_its_field()
    {
        var e = Should.Throw<ValidationFailedException>(() => CustomerProfileRules.Apply(Empty(),
            new ProfileInput(Phone: "0612345678", Language: "x", DateOfBirth: "2030-01-01", MarketingConsent: new Dictionary<string, bool> { ["fax"] = true }, DefaultBillingAddressId: "addr_x"),
            Ada, false, Now));

        e.Errors.Keys.ShouldBe(["phone", "language", "dateOfBirth", "marketingConsent.fax", "defaultBillingAddressId"], ignoreOrder: true);
    }

    [Fact]
    public void The_email_can_be_sent_back_as_verified_but_not_changed()
    {
        CustomerProfileRules.Apply(Empty(), new ProfileInput(Email: " ADA@example.com "), Ada, true, Now).Email.ShouldBe("ada@example.com");
        Should.Throw<EmailNotVerifiedException>(() => CustomerProfileRules.Apply(Empty(), new ProfileInput(Email: "eve@example.com"), Ada, false, Now));
        Should.Throw<EmailNotVerifiedException>(() => CustomerProfileRules.Apply(Empty(), new ProfileInput(Email: "ada@example.com"), Ada with { VerifiedEmail = null }, false, Now));
    }

    [Fact]
    public void Put_clears_what_it_does_not_send_and_patch_keeps_it()
    {
        var full = CustomerProfileRules.Apply(Empty(), new ProfileInput(Name: "Ada", Phone: "+31 20 123 4567", DateOfBirth: "1990-04-23", Language: "nl"), Ada, false, Now);

        var patched = CustomerProfileRules.Apply(full, new ProfileInput(Language: "en"), Ada, false, Now);
        var replaced = CustomerProfileRules.Apply(full, new ProfileInput(Language: "en"), Ada, true, Now);

        (patched.Name, patched.Phone, patched.DateOfBirth, patched.Language).ShouldBe(("Ada", "+31 20 123 4567", "1990-04-23", "en"));
        (replaced.Name, replaced.Phone, replaced.DateOfBirth, replaced.Language).ShouldBe((null, null, null, "en"));
    }

    [Fact]
    public void The_first_address_is_both_defaults_and_removing_a_default_leaves_it_unset()
    {
        var one = CustomerProfileRules.AddAddress(Empty(), Address(), "addr_1", Now);
        var two = CustomerProfileRules.AddAddress(one, Address("Damrak 2", billing: true), "addr_2", Now);
        var removed = CustomerProfileRules.RemoveAddress(two, "addr_1", Now);

        (one.DefaultShippingAddressId, one.DefaultBillingAddressId).ShouldBe(("addr_1", "addr_1"));
        (two.DefaultShippingAddressId, two.DefaultBillingAddressId).ShouldBe(("addr_1", "addr_2"));
        two.AddressById("addr_2")!.PostalCode.ShouldBe("1012 LG");
        (removed.DefaultShippingAddressId, removed.DefaultBillingAddressId).ShouldBe((null, "addr_2"));
        Should.Throw<ResourceNotFoundException>(() => CustomerProfileRules.RemoveAddress(removed, "addr_1", Now));
    }

    [Fact]
    public void The_book_refuses_an_address_past_its_limit()
    {
        var profile = Empty();
        for (var i = 0; i < CustomerProfileRules.MaximumAddresses; i++) profile = CustomerProfileRules.AddAddress(profile, Address(), $"addr_{i}", Now);

        Should.Throw<ValidationFailedException>(() => CustomerProfileRules.AddAddress(profile, Address(), "addr_x", Now)).Errors.Keys.ShouldBe(["addresses"]);
    }

    [Theory]
    [InlineData("+31 20 123 4567", true)]
    [InlineData("+1 (415) 555-0100", true)]
    [InlineData("020 123 4567", false)]
    [InlineData("+12345", false)]
    [InlineData("+1234567890123456", false)]
    [InlineData("+31 20 123 4567 ext 5", false)]
    public void A_profile_phone_is_international(string phone, bool valid) => CustomerProfileRules.IsInternationalPhone(phone).ShouldBe(valid);

    [Theory]
    [InlineData("José  García", "jose garcia")]
    [InlineData("  ZOË o'Brien ", "zoe o'brien")]
    [InlineData("Ådne\tØstby", "adne østby")]
    public void A_name_is_searched_without_case_accents_or_extra_spaces(string name, string normalised) =>
        PersonalData.Normalise(BlindIndexKind.Name, name).ShouldBe(normalised);
}
