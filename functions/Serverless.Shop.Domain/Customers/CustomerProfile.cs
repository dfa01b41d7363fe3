using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Customers;

/// <summary>
/// A customer's profile: who they are (name, the email their sign-in verified, phone, date of birth), where they have
/// things sent (the address book, with a default for shipping and one for billing), the language they read, and what
/// marketing they agreed to, channel by channel, with every change kept. The personal fields are sealed at rest with the
/// customer's data key (docs/customers.md, docs/security.md).
/// </summary>
public sealed record CustomerProfile
{
    public required string CustomerId { get; init; }
    public string? Name { get; init; }

    /// <summary>The email the customer authority verified (the token's), never one the customer typed.</summary>
    public string? Email { get; init; }

    /// <summary>International form: + and the country code (E.164 with spaces allowed).</summary>
    public string? Phone { get; init; }

    /// <summary>ISO 8601 date (yyyy-MM-dd), only if the customer gave it.</summary>
    public string? DateOfBirth { get; init; }

    /// <summary>A BCP 47 language tag such as <c>nl</c> or <c>en-GB</c>.</summary>
    public string? Language { get; init; }

    public IReadOnlyList<CustomerAddress> Addresses { get; init; } = [];
    public string? DefaultShippingAddressId { get; init; }
    public string? DefaultBillingAddressId { get; init; }

    /// <summary>Every change of a marketing consent, oldest first (the newest <see cref="CustomerProfileRules.MaximumConsentHistory"/>).</summary>
    public IReadOnlyList<ConsentChange> ConsentHistory { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether the customer agreed to marketing on each channel now: the last change's answer; never asked is no.</summary>
    public IReadOnlyDictionary<string, bool> MarketingConsent =>
        MarketingChannels.All.ToDictionary(c => c, c => ConsentHistory.LastOrDefault(h => h.Channel == c)?.Granted ?? false);

    public CustomerAddress? AddressById(string id) => Addresses.FirstOrDefault(a => a.Id == id);
}

/// <summary>One address of the address book. The id is the shop's, stable while the address exists.</summary>
public sealed record CustomerAddress(
    string Id, string? Name, string? Line1, string? Line2, string? City, string? PostalCode, string? Region, string? Country, string? Phone)
{
    public ShippingAddress ToShippingAddress() => new(Name, Line1, Line2, City, PostalCode, Region, Country, Phone);

    public static CustomerAddress From(string id, ShippingAddress a) => new(id, a.Name, a.Line1, a.Line2, a.City, a.PostalCode, a.Region, a.Country, a.Phone);
}

/// <summary>A change of marketing consent on one channel: what the answer became, when, and where it was given.</summary>
/// <param name="Source">Where the customer gave it (e.g. <c>account-page</c>, <c>checkout</c>); <c>profile-api</c> when the client does not say.</param>
public sealed record ConsentChange(string Channel, bool Granted, DateTimeOffset At, string Source);

/// <summary>The channels marketing may reach a customer on, each consented to separately.</summary>
public static class MarketingChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
    public static readonly IReadOnlyList<string> All = [Email, Sms];
}

/// <summary>
/// A change to the profile. <c>PUT</c> sets every field (a missing one is cleared); <c>PATCH</c> changes only the fields
/// given. Marketing consent changes only for the channels given, in both, because each change is a recorded event.
/// </summary>
/// <param name="Email">May be sent back as it is; any other value is refused: the email is the one the sign-in verified.</param>
/// <param name="MarketingConsent">Channel to answer, e.g. <c>{ "email": true, "sms": false }</c>.</param>
public sealed record ProfileInput(
    string? Name = null, string? Email = null, string? Phone = null, string? Language = null, string? DateOfBirth = null,
    IReadOnlyDictionary<string, bool>? MarketingConsent = null, string? ConsentSource = null,
    string? DefaultShippingAddressId = null, string? DefaultBillingAddressId = null);

/// <summary>An address to add to the address book or to replace one with; the default flags make it the default.</summary>
public sealed record AddressInput(
    string? Name, string? Line1, string? Line2, string? City, string? PostalCode, string? Region, string? Country, string? Phone,
    bool? DefaultShipping = null, bool? DefaultBilling = null)
{
    public ShippingAddress ToShippingAddress() => new(Name, Line1, Line2, City, PostalCode, Region, Country, Phone);
}

/// <summary>The address book as the customer sees it.</summary>
public sealed record AddressBook(IReadOnlyList<CustomerAddress> Addresses, string? DefaultShippingAddressId, string? DefaultBillingAddressId)
{
    public static AddressBook Of(CustomerProfile p) => new(p.Addresses, p.DefaultShippingAddressId, p.DefaultBillingAddressId);
}

/// <summary>The signed-in customer, as their token describes them (read only from the customer authority's token).</summary>
/// <param name="VerifiedEmail">The email the customer authority verified, or null.</param>
/// <param name="Name">The token's <c>name</c>, used only to start a new profile.</param>
public sealed record SignedInCustomer(string Id, string? VerifiedEmail, string? Name);

/// <summary>Profiles, one per customer, each read and written whole under its version (ETag).</summary>
public interface ICustomerProfileStore
{
    Task<Versioned<CustomerProfile>?> FindAsync(string customerId, CancellationToken ct);

    /// <summary>Creates the profile when <paramref name="expectedVersion"/> is null, else replaces that version. Returns the new version.</summary>
    /// <exception cref="StaleVersionException">Someone else wrote (or created) the profile first.</exception>
    Task<string> SaveAsync(CustomerProfile profile, string? expectedVersion, CancellationToken ct);

    /// <summary>Profiles whose email, phone or full name (each compared in its normalised form, by blind index) is the one given.</summary>
    Task<IReadOnlyList<CustomerProfile>> SearchAsync(CustomerSearch search, int max, CancellationToken ct);

    /// <summary>Deletes the profile, with the blind indexes it carries; deleting a missing profile is harmless.</summary>
    Task DeleteAsync(string customerId, CancellationToken ct);
}

/// <summary>What support finds a customer's profile by: exactly one of the three.</summary>
public sealed record CustomerSearch(string? Email = null, string? Phone = null, string? Name = null);
