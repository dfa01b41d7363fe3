using System.Diagnostics.CodeAnalysis;
using System.Text;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Payments;

/// <summary>
/// The payment reference a customer puts on a bank transfer: <c>SS</c>, the order id written in capital letters and
/// digits, and two check digits. It is reversible, so a bank webhook (which only knows what the bank statement says)
/// leads back to the order, and the check digits (ISO 7064 MOD 97-10, as in an IBAN) catch a mistyped reference.
/// </summary>
/// <remarks>
/// Banks keep letters and digits but may change case or add spaces, so the order id's letters are written in
/// capitals and the rest is escaped with <c>Z</c>: <c>Z0</c> = '_', <c>Z1</c> = '-', <c>Z2</c> = the letter z,
/// <c>Z3x</c> = the letter x in the other case. The character after <c>SS</c> says which case letters are in
/// (<c>L</c> lower, <c>U</c> upper; the one needing fewer escapes). Example: <c>ord_0190a1</c> → <c>SSLORDZ00190A1</c> + check digits.
/// An id the shop issues (prefix, underscore, 32 hex digits) gives 42 characters, within the 140 of a SEPA remittance line.
/// </remarks>
public static class BankTransferReference
{
    public const string Prefix = "SS";
    private const char Escape = 'Z';

    public static string For(string orderId)
    {
        if (!Ids.IsWellFormed(orderId)) throw new ArgumentException($"'{orderId}' is not an order id the shop issues.", nameof(orderId));

        var upperCase = orderId.Count(char.IsAsciiLetterUpper) > orderId.Count(char.IsAsciiLetterLower);
        var reference = new StringBuilder(Prefix).Append(upperCase ? 'U' : 'L');
        foreach (var c in orderId)
        {
            if (char.IsAsciiDigit(c)) reference.Append(c);
            else if (c == '_') reference.Append(Escape).Append('0');
            else if (c == '-') reference.Append(Escape).Append('1');
            else if (char.IsAsciiLetterUpper(c) != upperCase) reference.Append(Escape).Append('3').Append(char.ToUpperInvariant(c));
            else if (char.ToUpperInvariant(c) == Escape) reference.Append(Escape).Append('2');
            else reference.Append(char.ToUpperInvariant(c));
        }

        return reference.Append((98 - Mod97(reference.ToString() + "00")).ToString("00", System.Globalization.CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary>Reads a reference as a bank statement carries it: any case, spaces anywhere.</summary>
    /// <returns>False when it is not a reference the shop issued or a character was mistyped.</returns>
    public static bool TryParse(string? reference, [NotNullWhen(true)] out string? orderId)
    {
        orderId = null;
        var text = Normalize(reference);
        if (text is null || text.Length < Prefix.Length + 4 || !text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        if (!text.All(char.IsAsciiLetterOrDigit) || Mod97(text) != 1) return false;

        bool upperCase;
        switch (text[Prefix.Length])
        {
            case 'U': upperCase = true; break;
            case 'L': upperCase = false; break;
            default: return false;
        }

        var body = text[(Prefix.Length + 1)..^2];
        var id = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (char.IsAsciiDigit(c)) id.Append(c);
            else if (c != Escape) id.Append(InCase(c, upperCase));
            else if (i + 1 >= body.Length) return false;
            else
            {
                switch (body[++i])
                {
                    case '0': id.Append('_'); break;
                    case '1': id.Append('-'); break;
                    case '2': id.Append(InCase(Escape, upperCase)); break;
                    case '3' when i + 1 < body.Length && char.IsAsciiLetter(body[i + 1]): id.Append(InCase(body[++i], !upperCase)); break;
                    default: return false;
                }
            }
        }

        if (!Ids.IsWellFormed(id.ToString())) return false;
        orderId = id.ToString();
        return true;
    }

    /// <summary>Capitals, no spaces: the form <see cref="For"/> gives, and the one to compare references in.</summary>
    public static string? Normalize(string? reference) =>
        string.IsNullOrWhiteSpace(reference) ? null : string.Concat(reference.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    private static char InCase(char letter, bool upperCase) => upperCase ? char.ToUpperInvariant(letter) : char.ToLowerInvariant(letter);

    // Letters count as 10..35, digits as themselves, as for IBANs; the remainder is carried digit by digit.
    private static int Mod97(string text)
    {
        var remainder = 0;
        foreach (var c in text)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97;
        }
        return remainder;
    }
}
