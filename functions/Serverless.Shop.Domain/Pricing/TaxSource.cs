using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>The rates admins manage (docs/pricing.md#tax), as pricing reads them: the whole table, cached per instance.</summary>
public interface ITaxRateCatalog
{
    Task<ITaxRates> GetRatesAsync(CancellationToken ct);
}

/// <summary>
/// A tax service that calculates the tax of a checkout's final amounts (Stripe Tax). Throws
/// <see cref="NoTaxRateException"/> when it cannot tax the address, and <see cref="TaxServiceUnavailableException"/>
/// when it could not be asked.
/// </summary>
public interface ITaxService
{
    string Name { get; }

    Task<TaxCalculation> CalculateAsync(TaxCalculationRequest request, CancellationToken ct);
}

/// <summary>One line as a tax service sees it: its amount after discounts, on the shop's price basis (gross when prices include tax).</summary>
public sealed record TaxableLine(string LineId, string Sku, int Quantity, string TaxClass, Money Amount);

/// <param name="Shipping">The shipping fee charged (after discounts), on the same basis as the lines.</param>
public sealed record TaxCalculationRequest(
    string Currency, bool PricesIncludeTax, ShippingAddress Address, IReadOnlyList<TaxableLine> Lines, Money Shipping);

public sealed record LineTax(string LineId, Money Tax, decimal Rate);

/// <summary>The tax of each line (by line id) and of shipping. Rates are fractions (0.19), for display; the amounts are what is charged.</summary>
public sealed record TaxCalculation(IReadOnlyList<LineTax> Lines, Money ShippingTax, decimal ShippingRate, string? Reference);

/// <summary>The shop has no tax rate for where the goods go: it does not sell there, so the order is refused rather than taxed at 0.</summary>
public sealed class NoTaxRateException(TaxLocation location, string? reason = null)
    : ShopException("No tax rate.", reason ?? $"The shop has no tax rate for {Describe(location)}, so it cannot sell there: choose another delivery address, or ask the shop to add a rate for it.")
{
    public TaxLocation Location { get; } = location;

    /// <summary>The same refusal as a 409 naming the field the client sent the place in.</summary>
    public BusinessRuleViolationException For(string field) => new(Message, field);

    private static string Describe(TaxLocation l) => string.IsNullOrEmpty(l.Region) ? l.Country : $"{l.Country} ({l.Region})";
}

/// <summary>Tax cannot be worked out at all: no source is configured (<c>Tax:Source</c>), or it is misconfigured. Answers 503 with the reason.</summary>
public sealed class TaxNotConfiguredException(string detail) : ShopException("Tax is not configured.", detail);

/// <summary>The tax service could not be asked (down, timed out, refused the shop's key). Checkout cannot be priced: 503, try again.</summary>
public sealed class TaxServiceUnavailableException(string service, Exception? inner = null)
    : ShopException("Tax service unavailable.", $"{service} could not calculate the tax just now; nothing was charged. Try again in a moment.")
{
    public Exception? Cause { get; } = inner;
}

/// <summary>
/// Where tax comes from (<c>Tax:Source</c>, docs/pricing.md#tax): the rates admins manage, or a tax service. Exactly
/// one, or none with the reason why (then every price that needs tax answers 503 with that reason, and /api/health
/// reports it). There is no default and no fallback between them.
/// </summary>
public sealed class TaxSource
{
    private readonly ITaxRateCatalog? _rates;

    private TaxSource(string name, ITaxRateCatalog? rates, ITaxService? service, string? problem)
    {
        Name = name;
        _rates = rates;
        Service = service;
        Problem = problem;
    }

    public static TaxSource FromRates(ITaxRateCatalog rates) => new("rates", rates, null, null);

    public static TaxSource FromService(ITaxService service) => new(service.Name, null, service, null);

    public static TaxSource NotConfigured(string problem) => new("none", null, null, problem);

    public string Name { get; }

    /// <summary>The tax service that calculates checkouts, when tax comes from one.</summary>
    public ITaxService? Service { get; }

    /// <summary>Why tax cannot be worked out; null when the source is configured.</summary>
    public string? Problem { get; }

    /// <summary>
    /// The rates the promotion engine prices with. Managed rates: the table (what checkout charges). A tax service: none
    /// yet (0, flagged as calculated at checkout); the service taxes the final amounts at checkout.
    /// </summary>
    public async Task<ITaxRates> RatesForPricingAsync(CancellationToken ct)
    {
        if (Problem is not null) throw new TaxNotConfiguredException(Problem);
        return _rates is not null ? await _rates.GetRatesAsync(ct) : NotYetCalculatedTaxRates.Instance;
    }
}

/// <summary>Puts a tax service's calculation into a priced cart: each line's and shipping's tax, and every total again.</summary>
public static class TaxApplication
{
    /// <summary>What the service is asked to tax: the cart's sellable lines and shipping, after discounts, on the shop's price basis.</summary>
    public static TaxCalculationRequest RequestFor(PricedCart cart, ShippingAddress address, IReadOnlyDictionary<string, string> taxClasses)
    {
        var lines = cart.Lines.Where(l => l.Problem is null)
            .Select(l => new TaxableLine(l.LineId, l.Sku, l.Quantity, taxClasses.GetValueOrDefault(l.LineId) ?? Catalog.ProductRules.StandardTaxClass,
                cart.PricesIncludeTax ? l.Total : l.NetTotal))
            .ToList();
        var shipping = new Money(cart.ShippingFee.Amount - cart.ShippingDiscount.Amount, cart.Currency);
        return new TaxCalculationRequest(cart.Currency, cart.PricesIncludeTax, address, lines, shipping);
    }

    /// <summary>
    /// The cart with the service's tax. The amount each line costs on the price basis stays as the engine priced it:
    /// with prices including tax, the tax is the part of the gross the service says (the customer pays the same);
    /// otherwise it is added on top. Every total is again the sum of the line amounts.
    /// </summary>
    /// <exception cref="InvalidOperationException">The calculation leaves out a line it was asked about, or is in another currency.</exception>
    public static PricedCart Apply(PricedCart cart, TaxCalculation calculation)
    {
        var byLine = calculation.Lines.ToDictionary(l => l.LineId, StringComparer.Ordinal);
        var lines = new List<PricedLine>(cart.Lines.Count);
        decimal tax = 0, net = 0, total = 0;
        foreach (var line in cart.Lines)
        {
            if (line.Problem is not null)
            {
                lines.Add(line);
                continue;
            }
            if (!byLine.TryGetValue(line.LineId, out var taxed))
                throw new InvalidOperationException($"The tax calculation has no line {line.LineId}.");
            Check(taxed.Tax, cart.Currency);
            var amount = cart.PricesIncludeTax ? line.Total.Amount : line.NetTotal.Amount;
            var lineNet = cart.PricesIncludeTax ? amount - taxed.Tax.Amount : amount;
            var lineTotal = lineNet + taxed.Tax.Amount;
            lines.Add(line with { TaxRate = taxed.Rate, Tax = taxed.Tax, NetTotal = new Money(lineNet, cart.Currency), Total = new Money(lineTotal, cart.Currency) });
            tax += taxed.Tax.Amount;
            net += lineNet;
            total += lineTotal;
        }

        Check(calculation.ShippingTax, cart.Currency);
        var shippingCharged = cart.ShippingFee.Amount - cart.ShippingDiscount.Amount;
        var shippingNet = cart.PricesIncludeTax ? shippingCharged - calculation.ShippingTax.Amount : shippingCharged;
        return cart with
        {
            Lines = lines,
            ShippingTax = calculation.ShippingTax,
            TaxTotal = new Money(tax + calculation.ShippingTax.Amount, cart.Currency),
            TotalExcludingTax = new Money(net + shippingNet, cart.Currency),
            Total = new Money(total + shippingNet + calculation.ShippingTax.Amount, cart.Currency),
            TaxCalculatedAtCheckout = false,
        };
    }

    private static void Check(Money tax, string currency)
    {
        if (tax.Currency != currency) throw new InvalidOperationException($"The tax calculation is in {tax.Currency}, the cart in {currency}.");
        if (tax.Amount < 0) throw new InvalidOperationException("The tax calculation has a negative tax.");
    }
}
