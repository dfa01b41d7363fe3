using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>
/// What a shipping address must look like before the shop quotes for it or hands it to a carrier. Postal codes are
/// checked closely for a few countries and loosely for the rest: a carrier is the final judge, the shop only catches
/// what is obviously mistyped.
/// </summary>
public static partial class ShippingAddressRules
{
    public const int MaximumNameLength = 100;
    public const int MaximumLineLength = 100;
    public const int MaximumCityLength = 60;
    public const int MaximumRegionLength = 60;
    public const int MaximumPhoneLength = 32;

    /// <summary>Adds every problem of <paramref name="address"/> to <paramref name="v"/>, under <paramref name="field"/> (e.g. <c>address.postalCode</c>).</summary>
    public static void Validate(ShippingAddress? address, string field, Validator v)
    {
        if (!v.Required(address, field)) return;
        Text(address!.Name, $"{field}.name", MaximumNameLength, required: true, v);
        Text(address.Line1, $"{field}.line1", MaximumLineLength, required: true, v);
        Text(address.Line2, $"{field}.line2", MaximumLineLength, required: false, v);
        Text(address.City, $"{field}.city", MaximumCityLength, required: true, v);
        Text(address.Region, $"{field}.region", MaximumRegionLength, required: false, v);

        var country = address.Country;
        var countryOk = v.Required(country, $"{field}.country")
            && v.Check(CountryCode().IsMatch(country!.Trim()), $"{field}.country", "must be an ISO 3166-1 alpha-2 country code in capitals, such as NL or US.");

        if (v.Required(address.PostalCode, $"{field}.postalCode"))
            v.Check(IsValidPostalCode(address.PostalCode!, countryOk ? country!.Trim() : null), $"{field}.postalCode", PostalCodeRule(countryOk ? country!.Trim() : null));

        if (address.Phone is not null)
            v.Check(Phone().IsMatch(address.Phone.Trim()) && address.Phone.Count(char.IsAsciiDigit) >= 5, $"{field}.phone",
                $"must be a phone number of at most {MaximumPhoneLength} characters: digits, spaces and + ( ) - . /");
    }

    /// <summary>The postal code format of <paramref name="country"/> (null or unknown: 2 to 12 letters, digits, spaces or hyphens).</summary>
    public static bool IsValidPostalCode(string postalCode, string? country)
    {
        var code = postalCode.Trim();
        return country switch
        {
            "US" => UsZip().IsMatch(code),
            "DE" => GermanPostcode().IsMatch(code),
            "GB" => UkPostcode().IsMatch(code),
            "NL" => DutchPostcode().IsMatch(code),
            _ => AnyPostcode().IsMatch(code),
        };
    }

    /// <summary>The address as the shop stores it and sends it on: trimmed, blank optional parts dropped, postal code in capitals with one space where the country writes one.</summary>
    public static ShippingAddress Normalise(ShippingAddress address)
    {
        static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : WhiteSpace().Replace(s.Trim(), " ");
        var country = Clean(address.Country);
        var postalCode = Clean(address.PostalCode)?.ToUpperInvariant();
        if (postalCode is not null && country == "NL" && DutchPostcode().IsMatch(postalCode)) postalCode = $"{postalCode[..4]} {postalCode[^2..]}";
        if (postalCode is not null && country == "GB" && UkPostcode().IsMatch(postalCode)) postalCode = $"{postalCode.Replace(" ", "", StringComparison.Ordinal)[..^3]} {postalCode[^3..]}";
        return new ShippingAddress(Clean(address.Name), Clean(address.Line1), Clean(address.Line2), Clean(address.City), postalCode, Clean(address.Region), country, Clean(address.Phone));
    }

    private static void Text(string? value, string field, int maximum, bool required, Validator v)
    {
        if (required ? !v.Required(value, field) : value is null) return;
        v.Check(value!.Trim().Length <= maximum, field, $"must be at most {maximum} characters.");
        v.Check(!value.Any(char.IsControl), field, "must not contain control characters such as line breaks.");
    }

    private static string PostalCodeRule(string? country) => country switch
    {
        "US" => "must be a US ZIP code: 5 digits, or 9 as 12345-6789.",
        "DE" => "must be a German postcode: 5 digits.",
        "GB" => "must be a UK postcode such as SW1A 1AA.",
        "NL" => "must be a Dutch postcode: 4 digits and 2 letters, such as 1234 AB.",
        _ => "must be 2 to 12 letters, digits, spaces or hyphens.",
    };

    [GeneratedRegex(@"^[A-Z]{2}\z")]
    private static partial Regex CountryCode();

    [GeneratedRegex(@"^[0-9]{5}(?:-?[0-9]{4})?\z")]
    private static partial Regex UsZip();

    [GeneratedRegex(@"^[0-9]{5}\z")]
    private static partial Regex GermanPostcode();

    [GeneratedRegex(@"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}\z")]
    private static partial Regex UkPostcode();

    [GeneratedRegex(@"^[1-9][0-9]{3} ?[A-Za-z]{2}\z")]
    private static partial Regex DutchPostcode();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9 -]{0,10}[A-Za-z0-9]\z")]
    private static partial Regex AnyPostcode();

    [GeneratedRegex(@"^\+?[0-9 ()./-]{5,31}\z")]
    private static partial Regex Phone();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
