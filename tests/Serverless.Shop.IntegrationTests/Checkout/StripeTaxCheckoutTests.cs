using System.Globalization;
using System.Net;
using System.Text;
using System.Web;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>
/// A local shop whose tax comes from Stripe Tax (<c>Tax:Source=stripe</c>), served by a WireMock double that answers
/// every calculation as Stripe documents it: German VAT, 19 % included in each line's amount and in shipping.
/// </summary>
public sealed class StripeTaxShopFixture : LocalShopFixture
{
    public WireMockServer Stripe { get; } = WireMockServer.Start();

    protected override IReadOnlyDictionary<string, string?> OverriddenSettings => new Dictionary<string, string?>
    {
        ["Tax:Source"] = "stripe",
        ["Tax:Stripe:SecretKey"] = "sk_test_51LocalTaxKey",
        ["Tax:Stripe:ApiBase"] = Stripe.Url,
    };

    public override async Task InitializeAsync()
    {
        Stripe.Given(Request.Create().WithPath("/v1/tax/calculations").UsingPost()).RespondWith(Response.Create().WithCallback(request => new ResponseMessage
        {
            StatusCode = 200,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new BodyData { BodyAsString = GermanVat(HttpUtility.ParseQueryString(request.Body ?? "")), DetectedBodyType = BodyType.String },
        }));
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Stripe.Stop();
    }

    public IReadOnlyList<System.Collections.Specialized.NameValueCollection> Calculations =>
        Stripe.LogEntries.Where(e => e.RequestMessage.Path == "/v1/tax/calculations").Select(e => HttpUtility.ParseQueryString(e.RequestMessage.Body ?? "")).ToList();

    /// <summary>A tax.calculation for the lines asked about: 19 % VAT included in each amount (the documented inclusive behaviour).</summary>
    private static string GermanVat(System.Collections.Specialized.NameValueCollection form)
    {
        static long Tax(long gross) => (long)Math.Round(gross * 19m / 119m, MidpointRounding.AwayFromZero);
        var lines = new StringBuilder();
        for (var i = 0; form[$"line_items[{i}][amount]"] is { } amountText; i++)
        {
            var amount = long.Parse(amountText, CultureInfo.InvariantCulture);
            if (i > 0) lines.Append(',');
            lines.Append($$"""
                {"id":"tax_li_{{i}}","object":"tax.calculation_line_item","amount":{{amount}},"amount_tax":{{Tax(amount)}},"livemode":false,"product":null,
                 "quantity":{{form[$"line_items[{i}][quantity]"]}},"reference":"{{form[$"line_items[{i}][reference]"]}}","tax_behavior":"inclusive","tax_code":"txcd_99999999",
                 "tax_breakdown":[{"amount":{{Tax(amount)}},"jurisdiction":{"country":"DE","display_name":"Germany","level":"country","state":null},"sourcing":"destination",
                   "tax_rate_details":{"display_name":"VAT","percentage_decimal":"19.0","tax_type":"vat"},"taxability_reason":"standard_rated","taxable_amount":{{amount - Tax(amount)}}}]}
                """);
        }
        var shipping = long.Parse(form["shipping_cost[amount]"] ?? "0", CultureInfo.InvariantCulture);
        return $$"""
            {"id":"taxcalc_local","object":"tax.calculation","amount_total":0,"currency":"{{form["currency"]}}","customer":null,
             "customer_details":{"address":{"country":"{{form["customer_details[address][country]"]}}"},"address_source":"shipping","ip_address":null,"tax_ids":[],"taxability_override":"none"},
             "expires_at":1733600000,"livemode":false,
             "line_items":{"object":"list","has_more":false,"url":"/v1/tax/calculations/taxcalc_local/line_items","data":[{{lines}}]},
             "shipping_cost":{"amount":{{shipping}},"amount_tax":{{Tax(shipping)}},"shipping_rate":null,"tax_behavior":"inclusive","tax_code":"txcd_92010001",
               "tax_breakdown":[{"amount":{{Tax(shipping)}},"jurisdiction":{"country":"DE","display_name":"Germany","level":"country","state":null},"sourcing":"destination",
                 "tax_rate_details":{"display_name":"VAT","percentage_decimal":"19.0","tax_type":"vat"},"taxability_reason":"standard_rated","taxable_amount":0}]},
             "tax_amount_exclusive":0,"tax_amount_inclusive":0,"tax_breakdown":[],"tax_date":1733513600}
            """;
    }
}

/// <summary>Checkout with Stripe Tax: carts do not ask Stripe, checkout does (when it starts and when the orchestration confirms the price).</summary>
public sealed class StripeTaxCheckoutTests(StripeTaxShopFixture fixture) : IClassFixture<StripeTaxShopFixture>
{
    private readonly CheckoutShopper _shop = new(fixture);

    [Fact]
    public async Task A_cart_shows_tax_as_calculated_at_checkout_and_the_checkout_charges_stripes_tax_asked_at_start_and_at_confirmation()
    {
        var mug = await _shop.ProductInStockAsync(units: 5, price: 23.80m);
        var cart = await _shop.CartWithAsync(mug, 2);

        var read = await (await _shop.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token)).JsonAsync();
        read.GetProperty("pricing").GetProperty("taxCalculatedAtCheckout").GetBoolean().ShouldBeTrue();
        read.GetProperty("pricing").GetProperty("taxTotal").GetProperty("amount").GetDecimal().ShouldBe(0m);
        fixture.Calculations.ShouldBeEmpty();

        var placed = await _shop.PlaceAsync(cart, address: CheckoutShopper.Address(country: "DE", postalCode: "10117", city: "Berlin", line1: "Unter den Linden 1"));

        var pricing = placed.Body.GetProperty("pricing");
        pricing.GetProperty("taxCalculatedAtCheckout").GetBoolean().ShouldBeFalse();
        var line = pricing.GetProperty("lines")[0];
        line.GetProperty("tax").GetProperty("amount").GetDecimal().ShouldBe(7.60m);
        line.GetProperty("taxRate").GetDecimal().ShouldBe(0.19m);
        line.GetProperty("netTotal").GetProperty("amount").GetDecimal().ShouldBe(40.00m);
        var shipping = pricing.GetProperty("shippingFee").GetProperty("amount").GetDecimal() - pricing.GetProperty("shippingDiscount").GetProperty("amount").GetDecimal();
        pricing.GetProperty("shippingTax").GetProperty("amount").GetDecimal().ShouldBe(Math.Round(shipping * 19m / 119m, 2, MidpointRounding.AwayFromZero));
        var started = fixture.Calculations.ShouldHaveSingleItem();
        started["customer_details[address][postal_code]"].ShouldBe("10117");
        started["line_items[0][amount]"].ShouldBe("4760");

        await _shop.CompletedAsync(placed.Number);
        fixture.Calculations.Count.ShouldBe(2, "the orchestration confirms the price with Stripe again before charging");
        fixture.Calculations[1]["line_items[0][reference]"].ShouldBe(started["line_items[0][reference]"]);
    }
}

/// <summary>A local shop told no tax source: it says so in health and on every priced route, and nothing is priced at 0.</summary>
public sealed class NoTaxSourceShopFixture : LocalShopFixture
{
    protected override IReadOnlyDictionary<string, string?> OverriddenSettings => new Dictionary<string, string?> { ["Tax:Source"] = "" };
}

public sealed class NoTaxSourceTests(NoTaxSourceShopFixture fixture) : IClassFixture<NoTaxSourceShopFixture>
{
    [Fact]
    public async Task Without_a_tax_source_health_is_unhealthy_carts_answer_503_saying_why_and_the_rest_of_the_shop_works()
    {
        var health = await fixture.Client().GetAsync("api/health");
        var report = await health.JsonAsync();
        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, report.ToString());
        report.GetProperty("dependencies").GetProperty("tax").GetProperty("status").GetString().ShouldBe("unhealthy");
        report.GetProperty("dependencies").GetProperty("tax").GetProperty("error").GetString().ShouldBe("TaxNotConfiguredException");

        var cart = await fixture.Client().PostAsync("api/carts", null);
        var problem = await ProblemAssertions.ShouldBeProblem(cart, HttpStatusCode.ServiceUnavailable);
        problem.GetProperty("type").GetString()!.ShouldEndWith("/tax-not-configured");
        problem.GetProperty("detail").GetString()!.ShouldContain("Tax:Source is not set");

        (await fixture.Client().GetAsync("api/products")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var admin = fixture.Client(Serverless.Shop.Domain.Administration.ShopRoles.Admin);
        (await admin.PostJsonAsync("api/tax-rates", new { country = "GB", percent = 20 })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }
}
