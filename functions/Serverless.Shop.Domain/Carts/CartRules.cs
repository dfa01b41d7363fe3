using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Carts;

/// <summary>Cart ids, cart tokens, and the shape of ship-to places. (Codes follow the promotions' <see cref="PromotionRules"/>.)</summary>
public static partial class CartRules
{
    public const string IdPrefix = "cart_";
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>
    /// A new cart id: 128 random bits as 26 base32 characters. Unlike other ids it is not time-ordered, so nobody can guess
    /// a cart's id from another's (an anonymous cart also needs its token, but its id alone should reveal nothing).
    /// </summary>
    public static string NewCartId() => IdPrefix + Base32(RandomNumberGenerator.GetBytes(16));

    public static bool IsCartId(string? id) => Ids.IsWellFormed(id) && id!.StartsWith(IdPrefix, StringComparison.Ordinal);

    /// <summary>A new secret for an anonymous cart (256 random bits, URL-safe). Only its hash is stored.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Compares in constant time, so the answer's timing does not tell how much of a guessed token was right.</summary>
    public static bool TokenMatches(string? token, string? tokenHash) =>
        token is { Length: > 0 and <= 200 } && tokenHash is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashToken(token)), Encoding.ASCII.GetBytes(tokenHash));

    /// <summary>Checks and normalises a ship-to place: an ISO 3166-1 alpha-2 country, and optionally a region code (a state, a province).</summary>
    /// <param name="prefix">The field path of the place in the request ("" when it is the whole body).</param>
    public static TaxLocation? ShipTo(ShipToInput input, string prefix, Validator v)
    {
        var country = input.Country?.Trim().ToUpperInvariant();
        var region = string.IsNullOrWhiteSpace(input.Region) ? null : input.Region.Trim().ToUpperInvariant();
        var valid = v.Check(country is not null && CountryPattern().IsMatch(country), Join(prefix, "country"), "must be a two-letter ISO 3166-1 country code such as DE.");
        valid &= v.Check(region is null || RegionPattern().IsMatch(region), Join(prefix, "region"), "must be 1 to 10 letters, digits or hyphens (e.g. CA or BY).");
        return valid ? new TaxLocation(country!, region) : null;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    private static string Base32(byte[] bytes)
    {
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) text.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{0,9}$")]
    private static partial Regex RegionPattern();
}

/// <summary>
/// Who is asking for a cart: the caller as the pipeline authenticated them, and the Cart-Token they sent (anonymous carts).
/// A customer cart is its customer's alone; an anonymous cart opens with its token; support and admins may read any cart.
/// Anyone else learns nothing, not even that the cart exists: they get the same answer as for a cart that never was.
/// </summary>
public sealed record CartAccess(Actor Actor, string? CartToken)
{
    public bool IsSignedIn => !ReferenceEquals(Actor, Actor.Anonymous) && Actor.Id != Actor.Anonymous.Id;

    /// <summary>The customer id a new cart of this caller belongs to, or null for an anonymous cart.</summary>
    public string? CustomerId => IsSignedIn && Actor.Roles.Contains(ShopRoles.Customer) ? Actor.Id : null;

    public bool CanChange(Cart cart) => cart.CustomerId is { } owner
        ? CustomerId == owner
        : cart.OpensWith(CartToken);

    public bool CanRead(Cart cart) => CanChange(cart) || (IsSignedIn && Actor.IsInAnyRole([ShopRoles.Support, ShopRoles.Admin]));
}
