using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// One pricing request in the engine's working form: every amount in whole minor units of the currency, each line's tax
/// rate looked up once, and the lines indexed by product, SKU, category, collection and tag so that finding a
/// promotion's lines costs one lookup per id it names, not a scan of the cart.
/// </summary>
internal sealed class PricingContext
{
    private PricingContext(PricingRequest request, PricingSettings settings, ITaxRates taxRates)
    {
        Request = request;
        Currency = request.Currency;
        Digits = Currencies.MinorDigits(request.Currency);
        PricesIncludeTax = settings.PricesIncludeTax;
        // An address the request names must have a rate (else NoTaxRateException: checkout refuses it). The shop's home
        // country stands in before there is an address; when the table does not cover it, the cart shows no tax yet.
        var location = request.TaxLocation ?? settings.DefaultTaxLocation;
        var required = request.TaxLocation is not null;
        decimal RateFor(string taxClass) =>
            location is null ? 0
            : taxRates.RateFor(location, taxClass) ?? (required ? throw new NoTaxRateException(location) : 0);

        var count = request.Lines.Count;
        Lines = new PricingLine[count];
        ListTotals = new long[count];
        Quantities = new int[count];
        TaxRates = new decimal[count];
        BaseLineTotals = new long[count];
        for (var i = 0; i < count; i++)
        {
            var line = request.Lines[i] ?? throw new ArgumentException($"Line {i} is null.", nameof(request));
            if (line.Quantity <= 0) throw new ArgumentException($"Line {line.LineId} has quantity {line.Quantity}; pricing needs at least 1.", nameof(request));
            var start = line.UnitSalePrice ?? line.UnitListPrice;
            if (start.Currency != Currency) throw new ArgumentException($"Line {line.LineId} is priced in {start.Currency}, the cart in {Currency}.", nameof(request));
            Lines[i] = line;
            Quantities[i] = line.Quantity;
            ListTotals[i] = MoneyRounding.ToMinorUnits(start.Amount, Digits) * line.Quantity;
            TaxRates[i] = RateFor(string.IsNullOrEmpty(line.TaxClass) ? ProductRules.StandardTaxClass : line.TaxClass);
            BaseLineTotals[i] = LineTotal(i, ListTotals[i]);
            BaseTotal += BaseLineTotals[i];
            Subtotal += ListTotals[i];
        }

        if (request.ShippingFee is { } fee)
        {
            if (fee.Currency != Currency) throw new ArgumentException($"The shipping fee is in {fee.Currency}, the cart in {Currency}.", nameof(request));
            if (fee.Amount < 0) throw new ArgumentException("The shipping fee is negative.", nameof(request));
            ShippingFee = MoneyRounding.ToMinorUnits(fee.Amount, Digits);
        }
        ShippingTaxRate = RateFor(ProductRules.StandardTaxClass);
        BaseShippingTotal = ShippingTotal(ShippingFee ?? 0);
        Targets = new TargetIndex(Lines);
    }

    public static PricingContext For(PricingRequest request, PricingSettings settings, ITaxRates taxRates) => new(request, settings, taxRates);

    public PricingRequest Request { get; }
    public string Currency { get; }
    public int Digits { get; }
    public bool PricesIncludeTax { get; }
    public PricingLine[] Lines { get; }

    /// <summary>Starting price (sale price when there is one) x quantity, per line, in minor units.</summary>
    public long[] ListTotals { get; }

    public int[] Quantities { get; }
    public decimal[] TaxRates { get; }

    /// <summary>What each line costs the customer before promotions, tax included.</summary>
    public long[] BaseLineTotals { get; }

    /// <summary>The sum of <see cref="BaseLineTotals"/>.</summary>
    public long BaseTotal { get; }

    /// <summary>The sum of <see cref="ListTotals"/>: what eligibility minimums are checked against.</summary>
    public long Subtotal { get; }

    /// <summary>Null while the cart has no shipping quote (no address yet).</summary>
    public long? ShippingFee { get; }

    public decimal ShippingTaxRate { get; }
    public long BaseShippingTotal { get; }
    public TargetIndex Targets { get; }

    public long ToMinor(decimal amount) => MoneyRounding.ToMinorUnits(amount, Digits);

    public Money ToMoney(long minorUnits) => new(MoneyRounding.FromMinorUnits(minorUnits, Digits), Currency);

    /// <summary>
    /// The tax in an amount of the price basis: when prices include tax, the part of the gross that is tax,
    /// gross x rate / (1 + rate); otherwise the tax on top, net x rate. Rounded per line, half away from zero.
    /// </summary>
    public long TaxOn(long amount, decimal rate) =>
        rate == 0 || amount == 0 ? 0
        : PricesIncludeTax ? MoneyRounding.RoundMinorUnits(amount * rate / (1 + rate))
        : MoneyRounding.RoundMinorUnits(amount * rate);

    /// <summary>What a line costs the customer, tax included, when its amount (price basis, after discounts) is <paramref name="amount"/>.</summary>
    public long LineTotal(int line, long amount) => PricesIncludeTax ? amount : amount + TaxOn(amount, TaxRates[line]);

    public long ShippingTotal(long charged) => PricesIncludeTax ? charged : charged + TaxOn(charged, ShippingTaxRate);
}

/// <summary>The cart's lines by every attribute a promotion can target.</summary>
internal sealed class TargetIndex
{
    private readonly Dictionary<string, List<int>> _byProduct = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _bySku = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<int>> _byCategory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byCollection = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byTag = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool[] _marks;
    private readonly List<int> _found = [];

    public TargetIndex(IReadOnlyList<PricingLine> lines)
    {
        All = new int[lines.Count];
        _marks = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            All[i] = i;
            var line = lines[i];
            Add(_byProduct, line.ProductId, i);
            Add(_bySku, line.Sku, i);
            // The category path holds each category and all its ancestors, so a promotion on a parent category matches.
            foreach (var c in line.CategoryPath ?? []) Add(_byCategory, c, i);
            foreach (var c in line.CollectionIds ?? []) Add(_byCollection, c, i);
            foreach (var t in line.Tags ?? []) Add(_byTag, t, i);
        }
    }

    /// <summary>Every line, in cart order. Shared: never modify.</summary>
    public int[] All { get; }

    /// <summary>The lines the target matches, in cart order; empty when none.</summary>
    public int[] Match(PromotionTarget? target)
    {
        if (target is null || target.Kind == TargetKind.Cart) return All;
        var index = target.Kind switch
        {
            TargetKind.Products => _byProduct,
            TargetKind.Variants => _bySku,
            TargetKind.Categories => _byCategory,
            TargetKind.Collections => _byCollection,
            TargetKind.Tags => _byTag,
            _ => null,
        };
        if (index is null || target.Ids is null) return [];

        _found.Clear();
        foreach (var id in target.Ids)
        {
            if (id is null || !index.TryGetValue(id, out var lines)) continue;
            foreach (var line in lines)
                if (!_marks[line]) { _marks[line] = true; _found.Add(line); }
        }
        if (_found.Count == 0) return [];
        foreach (var line in _found) _marks[line] = false;
        var result = _found.ToArray();
        Array.Sort(result);
        return result;
    }

    private static void Add(Dictionary<string, List<int>> index, string? key, int line)
    {
        if (key is null) return;
        if (!index.TryGetValue(key, out var lines)) index[key] = lines = new List<int>(2);
        if (lines.Count == 0 || lines[^1] != line) lines.Add(line);
    }
}
