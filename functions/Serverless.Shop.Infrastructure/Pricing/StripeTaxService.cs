using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;
using Stripe;
using Stripe.Tax;

namespace Serverless.Shop.Infrastructure.Pricing;

/// <param name="TaxCodes">Stripe product tax code (<c>txcd_...</c>) per shop tax class; a class left out gets the default tax code of the Stripe account's tax settings.</param>
/// <param name="ShippingTaxCode">The tax code of shipping (Stripe's <c>txcd_92010001</c>, "Shipping", unless set).</param>
public sealed record StripeTaxOptions(IReadOnlyDictionary<string, string> TaxCodes, string ShippingTaxCode)
{
    public const string DefaultShippingTaxCode = "txcd_92010001";
}

/// <summary>
/// Tax from Stripe Tax: one Tax Calculation (<c>POST /v1/tax/calculations</c>) per priced checkout, with each line's
/// amount after discounts (<c>tax_behavior</c> inclusive when catalog prices include tax), its tax code (from the
/// product's tax class), the shipping fee, and the delivery address as the customer's shipping address. Stripe's own
/// per-line <c>amount_tax</c> is what is charged; rates are read from the line's tax breakdown for display.
/// </summary>
/// <remarks>
/// <para>Where the shop is not registered, Stripe answers with 0 tax (<c>taxability_reason</c> <c>not_collecting</c>):
/// registrations are kept in Stripe's dashboard, and Stripe's answer is the shop's. An address Stripe cannot locate for
/// tax (<c>customer_tax_location_invalid</c>) is a <see cref="NoTaxRateException"/>: checkout refuses it and says why.</para>
/// <para>Calls go through the shop's one resilience pipeline (Stripe.net's own retries are off, as for cards); a
/// calculation creates nothing that lasts (it expires), so a retried call needs no idempotency key. When Stripe cannot
/// be reached after the retries, pricing fails with <see cref="TaxServiceUnavailableException"/> (503): a checkout is
/// never charged with a guessed tax.</para>
/// </remarks>
public sealed class StripeTaxService(IStripeClient client, StripeTaxOptions options, ResiliencePipeline resilience, ILogger<StripeTaxService> logger) : ITaxService
{
    public const string SourceName = "stripe";
    public const string ServiceName = "Stripe Tax";
    public const string LocationInvalid = "customer_tax_location_invalid";

    private readonly CalculationService _calculations = new(client);

    public string Name => SourceName;

    public async Task<TaxCalculation> CalculateAsync(TaxCalculationRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var create = new CalculationCreateOptions
        {
            Currency = request.Currency.ToLowerInvariant(),
            CustomerDetails = new CalculationCustomerDetailsOptions
            {
                Address = new AddressOptions
                {
                    Line1 = request.Address.Line1,
                    Line2 = request.Address.Line2,
                    City = request.Address.City,
                    PostalCode = request.Address.PostalCode,
                    State = request.Address.Region,
                    Country = request.Address.Country,
                },
                AddressSource = "shipping",
            },
            LineItems = request.Lines.Select(l => new CalculationLineItemOptions
            {
                Reference = l.LineId,
                Amount = MinorUnits(l.Amount),
                Quantity = l.Quantity,
                TaxBehavior = Behavior(request),
                TaxCode = options.TaxCodes.GetValueOrDefault(l.TaxClass),
            }).ToList(),
            ShippingCost = new CalculationShippingCostOptions
            {
                Amount = MinorUnits(request.Shipping),
                TaxBehavior = Behavior(request),
                TaxCode = options.ShippingTaxCode,
            },
        };
        // Each line's breakdown says which rate applied; Stripe leaves it out unless asked.
        create.AddExpand("line_items.data.tax_breakdown");

        Calculation calculation;
        try
        {
            calculation = await resilience.ExecuteAsync(async token =>
            {
                try { return await _calculations.CreateAsync(create, cancellationToken: token); }
                catch (StripeException e) when (e.StripeError?.Code == LocationInvalid) { throw new NoTaxRateException(Location(request), LocationMessage(request)); }
                catch (StripeException e) { throw Failure(e); }
            }, ct);
        }
        catch (Exception e) when (e is ThirdPartyCallFailedException or HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            logger.LogError(e, "Stripe Tax could not calculate the tax of a checkout to {Country}.", request.Address.Country);
            throw new TaxServiceUnavailableException(ServiceName, e);
        }

        var result = FromCalculation(calculation, request);
        logger.LogInformation("Stripe Tax calculation {CalculationId}: {Tax} tax on {Lines} lines to {Country}.",
            calculation.Id, result.Lines.Sum(l => l.Tax.Amount) + result.ShippingTax.Amount, result.Lines.Count, request.Address.Country);
        return result;
    }

    private static TaxCalculation FromCalculation(Calculation calculation, TaxCalculationRequest request)
    {
        if (!string.Equals(calculation.Currency, request.Currency, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Stripe Tax answered in {calculation.Currency}, the checkout is in {request.Currency}.");
        var byReference = (calculation.LineItems?.Data ?? []).Where(l => l.Reference is not null).ToDictionary(l => l.Reference, StringComparer.Ordinal);
        var lines = new List<LineTax>(request.Lines.Count);
        foreach (var line in request.Lines)
        {
            if (!byReference.TryGetValue(line.LineId, out var item))
                throw new InvalidOperationException($"Stripe Tax's calculation {calculation.Id} has no line item with reference {line.LineId}.");
            var rate = Rate(item.TaxBreakdown?.Select(b => b.TaxRateDetails?.PercentageDecimal), item.AmountTax, item.Amount, request.PricesIncludeTax);
            lines.Add(new LineTax(line.LineId, FromMinorUnits(item.AmountTax, request.Currency), rate));
        }
        var shipping = calculation.ShippingCost;
        var shippingTax = FromMinorUnits(shipping?.AmountTax ?? 0, request.Currency);
        var shippingRate = shipping is null ? 0 : Rate(shipping.TaxBreakdown?.Select(b => b.TaxRateDetails?.PercentageDecimal), shipping.AmountTax, shipping.Amount, request.PricesIncludeTax);
        return new TaxCalculation(lines, shippingTax, shippingRate, calculation.Id);
    }

    /// <summary>The rate as a fraction: the sum of the breakdown's percentages (a state's and a county's add up); from the amounts when Stripe gives none.</summary>
    private static decimal Rate(IEnumerable<string?>? percentages, long tax, long amount, bool inclusive)
    {
        var given = percentages?.OfType<string>().ToList() ?? [];
        if (given.Count > 0)
            return given.Sum(p => decimal.Parse(p, NumberStyles.Number, CultureInfo.InvariantCulture)) / 100m;
        var basis = inclusive ? amount - tax : amount;
        return tax == 0 || basis <= 0 ? 0 : Math.Round((decimal)tax / basis, 4);
    }

    private static string Behavior(TaxCalculationRequest request) => request.PricesIncludeTax ? "inclusive" : "exclusive";

    private static TaxLocation Location(TaxCalculationRequest request) => new(request.Address.Country ?? "", request.Address.Region);

    private static string LocationMessage(TaxCalculationRequest request) =>
        $"The tax for this address ({request.Address.Country}{(request.Address.PostalCode is null ? "" : " " + request.Address.PostalCode)}) cannot be worked out: "
        + "check the country, postal code and region (a US address needs its 5-digit ZIP code). Nothing was charged.";

    private static Exception Failure(StripeException e)
    {
        var status = e.HttpStatusCode == 0 ? (System.Net.HttpStatusCode?)null : e.HttpStatusCode;
        var detail = e.StripeError is { } error ? $"{error.Type}{(error.Code is null ? "" : "/" + error.Code)}: {error.Message}" : e.Message;
        return new ThirdPartyCallFailedException(ServiceName, status, detail, e.StripeResponse?.Headers?.RetryAfter?.Delta, e);
    }

    // Amounts reaching here are already whole minor units (the engine rounds them).
    private static long MinorUnits(Money money) => MoneyRounding.ToMinorUnits(money.Amount, Currencies.MinorDigits(money.Currency));

    private static Money FromMinorUnits(long units, string currency) => MoneyRounding.ToMoney(units, currency);
}
