using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Customers;

/// <summary>What a profile may hold, and how a change is applied to one. Every rule reports the field the client sent.</summary>
public static partial class CustomerProfileRules
{
    public const int MaximumNameLength = 100;
    public const int MaximumAddresses = 20;
    public const int MaximumConsentHistory = 100;
    public const int MaximumSourceLength = 60;
    public const int MaximumAddressIdLength = 40;
    public const string DefaultConsentSource = "profile-api";
    public const int EarliestBirthYear = 1900;

    /// <summary>
    /// Applies <paramref name="input"/> to <paramref name="profile"/>: with <paramref name="replace"/> (PUT) every field is
    /// set, a missing one cleared; otherwise (PATCH) only the given fields change. Throws with every problem at once and
    /// changes nothing when the input breaks a rule.
    /// </summary>
    public static CustomerProfile Apply(CustomerProfile profile, ProfileInput input, SignedInCustomer customer, bool replace, DateTimeOffset now)
    {
        var v = new Validator();
        Text(input.Name, "name", MaximumNameLength, v);
        if (input.Phone is not null)
            v.Check(IsInternationalPhone(input.Phone), "phone", "must be an international phone number: + and the country code, then the number, such as +31 20 123 4567.");
        if (input.Language is not null)
            v.Check(input.Language.Length <= 35 && LanguageTag().IsMatch(input.Language.Trim()), "language", "must be a language tag such as nl, en or en-GB.");
        if (input.DateOfBirth is not null) CheckDateOfBirth(input.DateOfBirth, now, v);
        if (input.MarketingConsent is not null)
            foreach (var channel in input.MarketingConsent.Keys.Where(c => !MarketingChannels.All.Contains(c)))
                v.Add($"marketingConsent.{channel}", $"is not a marketing channel; the channels are {string.Join(", ", MarketingChannels.All)}.");
        if (input.ConsentSource is not null)
            v.Check(input.ConsentSource.Trim().Length is > 0 and <= MaximumSourceLength && !input.ConsentSource.Any(char.IsControl),
                "consentSource", $"must be 1 to {MaximumSourceLength} characters without line breaks (where the customer gave the consent).");
        CheckDefault(profile, input.DefaultShippingAddressId, "defaultShippingAddressId", v);
        CheckDefault(profile, input.DefaultBillingAddressId, "defaultBillingAddressId", v);
        v.ThrowIfInvalid();

        // The email is the sign-in's: sending it back is fine, changing it here is not (it would be unverified).
        if (input.Email is not null && !string.Equals(input.Email.Trim(), customer.VerifiedEmail, StringComparison.OrdinalIgnoreCase))
            throw new EmailNotVerifiedException(customer.VerifiedEmail is null
                ? "Your sign-in carries no verified email, so the profile cannot take one: verify your email with the sign-in provider."
                : "The profile's email is the one your sign-in verified; change it with the sign-in provider, which verifies the new address.");

        string? Keep(string? given, string? current) => given is not null || replace ? Clean(given) : current;
        var changed = profile with
        {
            Name = Keep(input.Name, profile.Name),
            Email = customer.VerifiedEmail ?? profile.Email,
            Phone = Keep(input.Phone, profile.Phone),
            Language = Keep(input.Language, profile.Language),
            DateOfBirth = input.DateOfBirth is not null ? NormaliseDate(input.DateOfBirth) : replace ? null : profile.DateOfBirth,
            DefaultShippingAddressId = Keep(input.DefaultShippingAddressId, profile.DefaultShippingAddressId),
            DefaultBillingAddressId = Keep(input.DefaultBillingAddressId, profile.DefaultBillingAddressId),
            ConsentHistory = WithConsents(profile, input.MarketingConsent, Clean(input.ConsentSource) ?? DefaultConsentSource, now),
            UpdatedAt = now,
        };
        return changed;
    }

    /// <summary>A new address in the book: checked as a shipping address, normalised, with a fresh id; the first one becomes both defaults.</summary>
    public static CustomerProfile AddAddress(CustomerProfile profile, AddressInput input, string newId, DateTimeOffset now)
    {
        var v = new Validator();
        v.Check(profile.Addresses.Count < MaximumAddresses, "addresses", $"The address book holds at most {MaximumAddresses} addresses: remove one first.");
        ShippingAddressRules.Validate(input.ToShippingAddress(), "address", v);
        v.ThrowIfInvalid();
        var address = CustomerAddress.From(newId, ShippingAddressRules.Normalise(input.ToShippingAddress()));
        var first = profile.Addresses.Count == 0;
        return profile with
        {
            Addresses = [.. profile.Addresses, address],
            DefaultShippingAddressId = first || input.DefaultShipping == true ? newId : profile.DefaultShippingAddressId,
            DefaultBillingAddressId = first || input.DefaultBilling == true ? newId : profile.DefaultBillingAddressId,
            UpdatedAt = now,
        };
    }

    /// <summary>Replaces an address, keeping its id; a default flag set false stops it being that default.</summary>
    /// <exception cref="ResourceNotFoundException">No address with this id in the book.</exception>
    public static CustomerProfile ReplaceAddress(CustomerProfile profile, string addressId, AddressInput input, DateTimeOffset now)
    {
        if (profile.AddressById(addressId) is null) throw new ResourceNotFoundException("Address", addressId);
        var v = new Validator();
        ShippingAddressRules.Validate(input.ToShippingAddress(), "address", v);
        v.ThrowIfInvalid();
        var address = CustomerAddress.From(addressId, ShippingAddressRules.Normalise(input.ToShippingAddress()));
        static string? Default(bool? flag, string id, string? current) => flag switch
        {
            true => id,
            false when current == id => null,
            _ => current,
        };
        return profile with
        {
            Addresses = [.. profile.Addresses.Select(a => a.Id == addressId ? address : a)],
            DefaultShippingAddressId = Default(input.DefaultShipping, addressId, profile.DefaultShippingAddressId),
            DefaultBillingAddressId = Default(input.DefaultBilling, addressId, profile.DefaultBillingAddressId),
            UpdatedAt = now,
        };
    }

    /// <summary>Removes an address; a default it was is left unset rather than moved to another address the customer did not choose.</summary>
    /// <exception cref="ResourceNotFoundException">No address with this id in the book.</exception>
    public static CustomerProfile RemoveAddress(CustomerProfile profile, string addressId, DateTimeOffset now)
    {
        if (profile.AddressById(addressId) is null) throw new ResourceNotFoundException("Address", addressId);
        return profile with
        {
            Addresses = [.. profile.Addresses.Where(a => a.Id != addressId)],
            DefaultShippingAddressId = profile.DefaultShippingAddressId == addressId ? null : profile.DefaultShippingAddressId,
            DefaultBillingAddressId = profile.DefaultBillingAddressId == addressId ? null : profile.DefaultBillingAddressId,
            UpdatedAt = now,
        };
    }

    /// <summary>+ then 7 to 15 digits (E.164), spaces, dots, hyphens and brackets allowed between them.</summary>
    public static bool IsInternationalPhone(string phone)
    {
        var trimmed = phone.Trim();
        return trimmed.Length <= ShippingAddressRules.MaximumPhoneLength && InternationalPhone().IsMatch(trimmed) && trimmed.Count(char.IsAsciiDigit) is >= 7 and <= 15;
    }

    private static IReadOnlyList<ConsentChange> WithConsents(CustomerProfile profile, IReadOnlyDictionary<string, bool>? given, string source, DateTimeOffset now)
    {
        if (given is null) return profile.ConsentHistory;
        var current = profile.MarketingConsent;
        // Only a change is recorded: answering the same again says nothing new.
        var changes = MarketingChannels.All.Where(c => given.TryGetValue(c, out var granted) && granted != current[c])
            .Select(c => new ConsentChange(c, given[c], now, source)).ToList();
        if (changes.Count == 0) return profile.ConsentHistory;
        return [.. profile.ConsentHistory.Concat(changes).TakeLast(MaximumConsentHistory)];
    }

    private static void CheckDefault(CustomerProfile profile, string? id, string field, Validator v)
    {
        if (id is null || id.Length == 0) return;
        v.Check(profile.AddressById(id.Trim()) is not null, field, "is not the id of an address in your address book.");
    }

    private static void CheckDateOfBirth(string text, DateTimeOffset now, Validator v)
    {
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            v.Add("dateOfBirth", "must be a date as yyyy-MM-dd, such as 1990-04-23.");
            return;
        }
        v.Check(date.Year >= EarliestBirthYear && date <= DateOnly.FromDateTime(now.UtcDateTime), "dateOfBirth", $"must be a date from {EarliestBirthYear} to today.");
    }

    private static string? NormaliseDate(string text) => text.Trim().Length == 0 ? null : text.Trim();

    private static void Text(string? value, string field, int maximum, Validator v)
    {
        if (value is null) return;
        v.Check(value.Trim().Length <= maximum, field, $"must be at most {maximum} characters.");
        v.Check(!value.Any(char.IsControl), field, "must not contain control characters such as line breaks.");
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : WhiteSpace().Replace(s.Trim(), " ");

    [GeneratedRegex(@"^\+[0-9][0-9 ().-]*[0-9]\z")]
    private static partial Regex InternationalPhone();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\z")]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
