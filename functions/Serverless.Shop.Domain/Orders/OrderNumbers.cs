using System.Security.Cryptography;
using System.Text;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Order numbers people can read out on the phone: "SS-7KQ4-XM2P". Eight random characters of Crockford's base32
/// (digits and letters without I, L, O and U, so nothing is mistaken for 1, 0 or a rude word): 32^8, about 10^12
/// numbers. The number is the order's id and its partition key, so creating an order with a number in use fails and
/// checkout draws another. Checkout draws it before it starts: the number is also the orchestration's instance id.
/// </summary>
public static class OrderNumbers
{
    public const string Prefix = "SS";
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int RandomCharacters = 8;

    public static string New()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, RandomCharacters);
        return $"{Prefix}-{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }

    public static bool IsWellFormed(string? number) =>
        number is { Length: 12 } && number.StartsWith(Prefix + "-", StringComparison.Ordinal) && number[7] == '-'
        && number[3..7].All(Alphabet.Contains) && number[8..].All(Alphabet.Contains);

    /// <summary>
    /// A number as someone typed it: any case, spaces around, and the letters Crockford's base32 reads as digits
    /// (O for 0, I and L for 1). Null when it cannot be an order number.
    /// </summary>
    public static string? Normalise(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40) return null;
        var text = input.Trim().ToUpperInvariant();
        if (text.Length != 12 || !text.StartsWith(Prefix + "-", StringComparison.Ordinal)) return null;
        var body = new StringBuilder(text[..3]);
        foreach (var c in text[3..])
            body.Append(c switch { 'O' => '0', 'I' or 'L' => '1', _ => c });
        var normalised = body.ToString();
        return IsWellFormed(normalised) ? normalised : null;
    }
}

/// <summary>
/// The secret that lets a buyer view an order without signing in (guests, and links in emails). Checkout creates it and
/// gives it to the buyer once; the order keeps only its SHA-256, so a leaked database does not leak access.
/// </summary>
public static class OrderAccessTokens
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLowerInvariant();

    public static bool Matches(Order order, string? token) =>
        !string.IsNullOrEmpty(token) && token.Length <= 200
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(order.AccessTokenHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
