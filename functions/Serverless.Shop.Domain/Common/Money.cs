using System.Globalization;

namespace Serverless.Shop.Domain.Common;

/// <summary>An exact amount in one currency. Amounts are decimals, never floating point.</summary>
public sealed record Money(decimal Amount, string Currency)
{
    public const decimal MaximumAmount = 1_000_000m;

    public override string ToString() => $"{Amount.ToString("0.00##", CultureInfo.InvariantCulture)} {Currency}";

    /// <summary>Checks a price sent by a client: known currency, not negative, not absurd, no more decimals than the currency has.</summary>
    public static void Validate(Money? price, string field, Validator v, string shopCurrency, bool allowZero = false)
    {
        if (!v.Required(price, field)) return;
        if (!v.Check(Currencies.IsKnown(price!.Currency), field + ".currency", "must be an ISO 4217 currency code such as EUR.")) return;
        v.Check(string.Equals(price.Currency, shopCurrency, StringComparison.Ordinal), field + ".currency", $"must be the shop's currency, {shopCurrency}.");
        v.Check(allowZero ? price.Amount >= 0 : price.Amount > 0, field + ".amount", allowZero ? "must not be negative." : "must be greater than zero.");
        v.Check(price.Amount <= MaximumAmount, field + ".amount", $"must be at most {MaximumAmount.ToString(CultureInfo.InvariantCulture)}.");
        v.Check(decimal.Round(price.Amount, Currencies.MinorDigits(price.Currency)) == price.Amount, field + ".amount",
            $"has more decimals than {price.Currency} allows ({Currencies.MinorDigits(price.Currency)}).");
    }
}

/// <summary>The ISO 4217 currencies the shop accepts and their minor-unit digits.</summary>
public static class Currencies
{
    private static readonly Dictionary<string, int> MinorDigitsByCode = new(StringComparer.Ordinal)
    {
        ["EUR"] = 2, ["USD"] = 2, ["GBP"] = 2, ["CHF"] = 2, ["SEK"] = 2, ["NOK"] = 2, ["DKK"] = 2, ["PLN"] = 2,
        ["CZK"] = 2, ["CAD"] = 2, ["AUD"] = 2, ["NZD"] = 2, ["INR"] = 2, ["BRL"] = 2, ["MXN"] = 2, ["ZAR"] = 2,
        ["CNY"] = 2, ["SGD"] = 2, ["HKD"] = 2, ["JPY"] = 0, ["KRW"] = 0, ["HUF"] = 2, ["KWD"] = 3, ["BHD"] = 3,
    };

    public static bool IsKnown(string? code) => code is not null && MinorDigitsByCode.ContainsKey(code);

    public static int MinorDigits(string code) => MinorDigitsByCode.TryGetValue(code, out var d) ? d : 2;
}
