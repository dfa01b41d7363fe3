using System.Collections.Specialized;
using System.Web;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.Infrastructure.Pricing;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters.Pricing;

/// <summary>
/// Stripe Tax through Stripe.net against a WireMock double of <c>POST /v1/tax/calculations</c>, answering with the
/// documented shape of a <c>tax.calculation</c> (line items with <c>amount_tax</c> and their tax breakdown, the shipping
/// cost, <c>taxability_reason</c>) and Stripe's documented errors.
/// </summary>
public sealed class StripeTaxServiceTests : IDisposable
{
    private const string SecretKey = "sk_test_51TaxKeyNeverShown";
    private const string CalculationsPath = "/v1/tax/calculations";

    private static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        TotalTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Attempts that give up long before the double answers (a busy machine still answers a first call within the others' 10 s).</summary>
    private static readonly ThirdPartyResilienceOptions ImpatientRetries = FastRetries with { AttemptTimeout = TimeSpan.FromMilliseconds(300) };

    private static readonly ShippingAddress Berlin = new("Ada", "Unter den Linden 1", null, "Berlin", "10117", null, "DE", null);
    private static readonly ShippingAddress SanFrancisco = new("Ada", "354 Oyster Point Blvd", null, "South San Francisco", "94080", "CA", "US", null);

    private readonly WireMockServer _stripe = WireMockServer.Start();

    public void Dispose() => _stripe.Stop();

    private StripeTaxService Service(ThirdPartyResilienceOptions? resilience = null) => new(
        StripeCardGateway.CreateClient(SecretKey, _stripe.Url),
        new StripeTaxOptions(new Dictionary<string, string> { ["reduced"] = "txcd_35010000" }, StripeTaxOptions.DefaultShippingTaxCode),
        ThirdPartyResilience.Create(StripeTaxService.ServiceName, resilience ?? FastRetries, NullLogger.Instance),
        NullLogger<StripeTaxService>.Instance);

    private static TaxCalculationRequest GermanCheckout() => new("EUR", PricesIncludeTax: true, Berlin,
        [new TaxableLine("line_book", "BOOK-1", 1, "reduced", new Money(10.70m, "EUR")), new TaxableLine("line_pen", "PEN-1", 2, "standard", new Money(23.80m, "EUR"))],
        new Money(5.95m, "EUR"));

    private void Answer(int status, string body, int delayMs = 0)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("Request-Id", "req_tax").WithBody(body);
        if (delayMs > 0) response = response.WithDelay(delayMs);
        _stripe.Given(Request.Create().WithPath(CalculationsPath).UsingPost()).RespondWith(response);
    }

    private static NameValueCollection Form(IRequestMessage request) => HttpUtility.ParseQueryString(request.Body ?? "");

    [Fact]
    public async Task Sends_each_line_after_discounts_with_its_tax_code_the_shipping_and_the_delivery_address()
    {
        Answer(200, GermanCalculation());

        await Service().CalculateAsync(GermanCheckout(), CancellationToken.None);

        var request = _stripe.LogEntries.ShouldHaveSingleItem().RequestMessage;
        request.Method.ShouldBe("POST");
        request.Headers!["Authorization"].ToString().ShouldBe($"Bearer {SecretKey}");
        var form = Form(request);
        form["currency"].ShouldBe("eur");
        form["line_items[0][reference]"].ShouldBe("line_book");
        form["line_items[0][amount]"].ShouldBe("1070");
        form["line_items[0][quantity]"].ShouldBe("1");
        form["line_items[0][tax_behavior]"].ShouldBe("inclusive");
        form["line_items[0][tax_code]"].ShouldBe("txcd_35010000");
        form["line_items[1][reference]"].ShouldBe("line_pen");
        form["line_items[1][amount]"].ShouldBe("2380");
        form["line_items[1][quantity]"].ShouldBe("2");
        form["line_items[1][tax_code]"].ShouldBeNull("a class without a code gets the account's default tax code");
        form["shipping_cost[amount]"].ShouldBe("595");
        form["shipping_cost[tax_behavior]"].ShouldBe("inclusive");
        form["shipping_cost[tax_code]"].ShouldBe("txcd_92010001");
        form["customer_details[address_source]"].ShouldBe("shipping");
        form["customer_details[address][country]"].ShouldBe("DE");
        form["customer_details[address][postal_code]"].ShouldBe("10117");
        form["customer_details[address][city]"].ShouldBe("Berlin");
        form["customer_details[address][line1]"].ShouldBe("Unter den Linden 1");
        form["expand[0]"].ShouldBe("line_items.data.tax_breakdown");
    }

    [Fact]
    public async Task Stripes_tax_per_line_and_for_shipping_is_what_is_charged_with_the_rate_of_each_line()
    {
        Answer(200, GermanCalculation());

        var result = await Service().CalculateAsync(GermanCheckout(), CancellationToken.None);

        result.Reference.ShouldBe("taxcalc_1OkDE");
        result.Lines.ShouldBe([new LineTax("line_book", new Money(0.70m, "EUR"), 0.07m), new LineTax("line_pen", new Money(3.80m, "EUR"), 0.19m)]);
        result.ShippingTax.ShouldBe(new Money(0.95m, "EUR"));
        result.ShippingRate.ShouldBe(0.19m);
    }

    [Fact]
    public async Task Rates_of_several_jurisdictions_add_up_and_tax_is_added_on_top_when_prices_exclude_it()
    {
        Answer(200, UsCalculation());
        var request = new TaxCalculationRequest("USD", PricesIncludeTax: false, SanFrancisco,
            [new TaxableLine("line_1", "MUG-1", 1, "standard", new Money(14.99m, "USD"))], new Money(3.00m, "USD"));

        var result = await Service().CalculateAsync(request, CancellationToken.None);

        Form(_stripe.LogEntries.Single().RequestMessage)["line_items[0][tax_behavior]"].ShouldBe("exclusive");
        Form(_stripe.LogEntries.Single().RequestMessage)["customer_details[address][state]"].ShouldBe("CA");
        result.Lines.ShouldHaveSingleItem().ShouldBe(new LineTax("line_1", new Money(1.48m, "USD"), 0.09875m));
        result.ShippingTax.ShouldBe(new Money(0m, "USD"));
    }

    [Fact]
    public async Task Where_the_shop_is_not_registered_stripe_collects_nothing_and_that_is_its_answer_not_a_refusal()
    {
        Answer(200, NotCollectingCalculation());

        var result = await Service().CalculateAsync(GermanCheckout() with { Address = Berlin with { Country = "JP", PostalCode = "100-0001" } }, CancellationToken.None);

        result.Lines.ShouldAllBe(l => l.Tax.Amount == 0m && l.Rate == 0m);
        result.ShippingTax.Amount.ShouldBe(0m);
    }

    [Fact]
    public async Task An_address_stripe_cannot_locate_for_tax_is_refused_saying_why_and_not_retried()
    {
        Answer(400, """
            {"error":{"code":"customer_tax_location_invalid","doc_url":"https://stripe.com/docs/error-codes/customer-tax-location-invalid",
             "message":"We could not determine the customer's tax location based on the provided customer address.",
             "param":"customer_details[address]","type":"invalid_request_error"}}
            """);
        var request = GermanCheckout() with { Address = SanFrancisco with { PostalCode = null, City = null, Line1 = null } };

        var refusal = await Should.ThrowAsync<NoTaxRateException>(() => Service().CalculateAsync(request, CancellationToken.None));

        refusal.Location.ShouldBe(new TaxLocation("US", "CA"));
        refusal.Message.ShouldContain("postal code");
        _stripe.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_failure_on_stripes_side_is_retried_and_the_second_answer_counts()
    {
        _stripe.Given(Request.Create().WithPath(CalculationsPath).UsingPost()).InScenario("flaky").WillSetStateTo("failed once")
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json").WithBody("""{"error":{"type":"api_error","message":"An unknown error occurred"}}"""));
        _stripe.Given(Request.Create().WithPath(CalculationsPath).UsingPost()).InScenario("flaky").WhenStateIs("failed once")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(GermanCalculation()));

        var result = await Service().CalculateAsync(GermanCheckout(), CancellationToken.None);

        result.Lines.Count.ShouldBe(2);
        _stripe.LogEntries.Count().ShouldBe(2);
    }

    [Fact]
    public async Task When_stripe_does_not_answer_in_time_each_attempt_times_out_and_the_checkout_is_told_to_retry_later()
    {
        Answer(200, GermanCalculation(), delayMs: 3000);

        var failure = await Should.ThrowAsync<TaxServiceUnavailableException>(() => Service(ImpatientRetries).CalculateAsync(GermanCheckout(), CancellationToken.None));

        failure.Message.ShouldContain("nothing was charged");
        await HttpTestExtensions.EventuallyAsync(() => Task.FromResult(_stripe.LogEntries.Count()), n => n == 1 + FastRetries.MaxRetryAttempts, TimeSpan.FromSeconds(10));
        _stripe.LogEntries.Count().ShouldBe(1 + FastRetries.MaxRetryAttempts);
    }

    [Fact]
    public async Task A_key_stripe_refuses_is_not_retried_and_the_key_is_never_shown()
    {
        Answer(401, """{"error":{"message":"Invalid API Key provided: sk_test_********************hown","type":"invalid_request_error"}}""");

        var failure = await Should.ThrowAsync<TaxServiceUnavailableException>(() => Service().CalculateAsync(GermanCheckout(), CancellationToken.None));

        _stripe.LogEntries.Count().ShouldBe(1);
        failure.ToString().ShouldNotContain(SecretKey);
        failure.Cause.ShouldBeOfType<ThirdPartyCallFailedException>().IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task A_calculation_without_one_of_the_lines_is_not_used()
    {
        Answer(200, GermanCalculation().Replace("\"reference\": \"line_pen\"", "\"reference\": \"someone_else\"", StringComparison.Ordinal));

        await Should.ThrowAsync<InvalidOperationException>(() => Service().CalculateAsync(GermanCheckout(), CancellationToken.None));
    }

    // Shaped as Stripe documents a tax.calculation: prices including VAT, a reduced-rate book, a standard-rate pen, shipping.
    private static string GermanCalculation() => """
        {
          "id": "taxcalc_1OkDE", "object": "tax.calculation", "amount_total": 4045, "currency": "eur", "customer": null,
          "customer_details": {"address": {"city": "Berlin", "country": "DE", "line1": "Unter den Linden 1", "line2": null, "postal_code": "10117", "state": null},
            "address_source": "shipping", "ip_address": null, "tax_ids": [], "taxability_override": "none"},
          "expires_at": 1733600000, "livemode": false,
          "line_items": {"object": "list", "has_more": false, "url": "/v1/tax/calculations/taxcalc_1OkDE/line_items", "data": [
            {"id": "tax_li_1", "object": "tax.calculation_line_item", "amount": 1070, "amount_tax": 70, "livemode": false, "product": null, "quantity": 1,
             "reference": "line_book", "tax_behavior": "inclusive", "tax_code": "txcd_35010000",
             "tax_breakdown": [{"amount": 70, "jurisdiction": {"country": "DE", "display_name": "Germany", "level": "country", "state": null},
               "sourcing": "destination", "tax_rate_details": {"display_name": "VAT", "percentage_decimal": "7.0", "tax_type": "vat"},
               "taxability_reason": "reduced_rated", "taxable_amount": 1000}]},
            {"id": "tax_li_2", "object": "tax.calculation_line_item", "amount": 2380, "amount_tax": 380, "livemode": false, "product": null, "quantity": 2,
             "reference": "line_pen", "tax_behavior": "inclusive", "tax_code": "txcd_99999999",
             "tax_breakdown": [{"amount": 380, "jurisdiction": {"country": "DE", "display_name": "Germany", "level": "country", "state": null},
               "sourcing": "destination", "tax_rate_details": {"display_name": "VAT", "percentage_decimal": "19.0", "tax_type": "vat"},
               "taxability_reason": "standard_rated", "taxable_amount": 2000}]}
          ]},
          "shipping_cost": {"amount": 595, "amount_tax": 95, "shipping_rate": null, "tax_behavior": "inclusive", "tax_code": "txcd_92010001",
            "tax_breakdown": [{"amount": 95, "jurisdiction": {"country": "DE", "display_name": "Germany", "level": "country", "state": null},
              "sourcing": "destination", "tax_rate_details": {"display_name": "VAT", "percentage_decimal": "19.0", "tax_type": "vat"},
              "taxability_reason": "standard_rated", "taxable_amount": 500}]},
          "tax_amount_exclusive": 0, "tax_amount_inclusive": 545,
          "tax_breakdown": [
            {"amount": 475, "inclusive": true, "tax_rate_details": {"country": "DE", "percentage_decimal": "19.0", "state": null, "tax_type": "vat"}, "taxability_reason": "standard_rated", "taxable_amount": 2500},
            {"amount": 70, "inclusive": true, "tax_rate_details": {"country": "DE", "percentage_decimal": "7.0", "state": null, "tax_type": "vat"}, "taxability_reason": "reduced_rated", "taxable_amount": 1000}],
          "tax_date": 1733513600
        }
        """;

    // The documented US example: sales tax on top, a state and a district rate, shipping not taxable in California.
    private static string UsCalculation() => """
        {
          "id": "taxcalc_1OkUS", "object": "tax.calculation", "amount_total": 1947, "currency": "usd", "customer": null,
          "customer_details": {"address": {"city": "South San Francisco", "country": "US", "line1": "354 Oyster Point Blvd", "line2": null, "postal_code": "94080", "state": "CA"},
            "address_source": "shipping", "ip_address": null, "tax_ids": [], "taxability_override": "none"},
          "expires_at": 1733600000, "livemode": false,
          "line_items": {"object": "list", "has_more": false, "url": "/v1/tax/calculations/taxcalc_1OkUS/line_items", "data": [
            {"id": "tax_li_3", "object": "tax.calculation_line_item", "amount": 1499, "amount_tax": 148, "livemode": false, "product": null, "quantity": 1,
             "reference": "line_1", "tax_behavior": "exclusive", "tax_code": "txcd_99999999",
             "tax_breakdown": [
               {"amount": 90, "jurisdiction": {"country": "US", "display_name": "California", "level": "state", "state": "CA"}, "sourcing": "destination",
                "tax_rate_details": {"display_name": "Sales Tax", "percentage_decimal": "6.0", "tax_type": "sales_tax"}, "taxability_reason": "standard_rated", "taxable_amount": 1499},
               {"amount": 58, "jurisdiction": {"country": "US", "display_name": "San Mateo County", "level": "county", "state": "CA"}, "sourcing": "destination",
                "tax_rate_details": {"display_name": "Sales Tax", "percentage_decimal": "3.875", "tax_type": "sales_tax"}, "taxability_reason": "standard_rated", "taxable_amount": 1499}]}
          ]},
          "shipping_cost": {"amount": 300, "amount_tax": 0, "shipping_rate": null, "tax_behavior": "exclusive", "tax_code": "txcd_92010001",
            "tax_breakdown": [{"amount": 0, "jurisdiction": {"country": "US", "display_name": "California", "level": "state", "state": "CA"}, "sourcing": "destination",
              "tax_rate_details": null, "taxability_reason": "product_exempt", "taxable_amount": 0}]},
          "tax_amount_exclusive": 148, "tax_amount_inclusive": 0,
          "tax_breakdown": [{"amount": 148, "inclusive": false, "tax_rate_details": {"country": "US", "percentage_decimal": "9.875", "state": "CA", "tax_type": "sales_tax"}, "taxability_reason": "standard_rated", "taxable_amount": 1499}],
          "tax_date": 1733513600
        }
        """;

    // Stripe's answer where the account has no registration: no tax, taxability_reason not_collecting.
    private static string NotCollectingCalculation() => """
        {
          "id": "taxcalc_1OkJP", "object": "tax.calculation", "amount_total": 4045, "currency": "eur", "customer": null,
          "customer_details": {"address": {"city": "Berlin", "country": "JP", "line1": "Unter den Linden 1", "line2": null, "postal_code": "100-0001", "state": null},
            "address_source": "shipping", "ip_address": null, "tax_ids": [], "taxability_override": "none"},
          "expires_at": 1733600000, "livemode": false,
          "line_items": {"object": "list", "has_more": false, "url": "/v1/tax/calculations/taxcalc_1OkJP/line_items", "data": [
            {"id": "tax_li_4", "object": "tax.calculation_line_item", "amount": 1070, "amount_tax": 0, "livemode": false, "product": null, "quantity": 1,
             "reference": "line_book", "tax_behavior": "inclusive", "tax_code": "txcd_35010000",
             "tax_breakdown": [{"amount": 0, "jurisdiction": {"country": "JP", "display_name": "Japan", "level": "country", "state": null}, "sourcing": "destination",
               "tax_rate_details": null, "taxability_reason": "not_collecting", "taxable_amount": 0}]},
            {"id": "tax_li_5", "object": "tax.calculation_line_item", "amount": 2380, "amount_tax": 0, "livemode": false, "product": null, "quantity": 2,
             "reference": "line_pen", "tax_behavior": "inclusive", "tax_code": "txcd_99999999",
             "tax_breakdown": [{"amount": 0, "jurisdiction": {"country": "JP", "display_name": "Japan", "level": "country", "state": null}, "sourcing": "destination",
               "tax_rate_details": null, "taxability_reason": "not_collecting", "taxable_amount": 0}]}
          ]},
          "shipping_cost": {"amount": 595, "amount_tax": 0, "shipping_rate": null, "tax_behavior": "inclusive", "tax_code": "txcd_92010001", "tax_breakdown": []},
          "tax_amount_exclusive": 0, "tax_amount_inclusive": 0,
          "tax_breakdown": [{"amount": 0, "inclusive": true, "tax_rate_details": {"country": "JP", "percentage_decimal": "0.0", "state": null, "tax_type": null}, "taxability_reason": "not_collecting", "taxable_amount": 0}],
          "tax_date": 1733513600
        }
        """;
}
