using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

/// <summary>The one-line quote: checkout's standard service, with the checks of the options quote, on the real rates.</summary>
public sealed class QuoteShippingTests : DistanceRatesTestBase
{
    public QuoteShippingTests() => Geocoder.Cities["Amsterdam"] = new GeoPoint(52.37, 4.89);

    private QuoteShipping Quotes => new(new QuoteShippingOptions(Rates(), new ShopSettings("EUR")));

    private static ShippingQuoteInput Input(ShippingAddress? address = null, IReadOnlyList<ParcelItemInput?>? items = null, Money? subtotal = null) =>
        new(address ?? ShippingAddressRulesTests.Amsterdam, items ?? [new ParcelItemInput("mug-red", 2)], subtotal ?? new Money(20m, "EUR"));

    [Fact]
    public async Task A_quote_is_the_standard_service_for_the_normalised_address_and_the_items()
    {
        var quote = await Quotes.QuoteAsync(Input(ShippingAddressRulesTests.Amsterdam with { PostalCode = "1015cj", Line2 = " " }), CancellationToken.None);

        // Two units without measurements: two 6 000 cm³ shoeboxes, 2.4 kg by volume, three started kilograms; Amsterdam is in the first band.
        quote.ShouldBe(new ShippingQuote("local-carrier", "standard", new Money(4.95m + 2 * 0.50m, "EUR"), 1, 2));
        Geocoder.Looked.ShouldHaveSingleItem().PostalCode.ShouldBe("1015 CJ");
    }

    [Fact]
    public async Task A_product_id_weighs_the_item_by_its_measurements()
    {
        var mug = Mugs(2);

        var quote = await Quotes.QuoteAsync(Input(items: [new ParcelItemInput("mug-red", 2, mug.ProductId)]), CancellationToken.None);

        quote.Fee.ShouldBe(new Money(4.95m, "EUR")); // two 350 g mugs: one started kilogram
    }

    [Fact]
    public async Task A_bad_address_is_reported_with_field_paths_under_address_and_no_quote_is_asked()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            Quotes.QuoteAsync(Input(ShippingAddressRulesTests.Amsterdam with { PostalCode = "12", City = null }), CancellationToken.None));

        failure.ShouldReport("address.postalCode");
        failure.ShouldReport("address.city");
        Geocoder.Looked.ShouldBeEmpty();
    }

    [Fact]
    public async Task Items_and_subtotal_are_checked_with_their_positions()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Quotes.QuoteAsync(
            Input(items: [new ParcelItemInput("bad sku!", 1), new ParcelItemInput("MUG", 0), new ParcelItemInput("MUG", null), null, new ParcelItemInput("MUG", 1001)],
                subtotal: new Money(-1m, "USD")), CancellationToken.None));

        failure.ShouldReport("items[0].sku");
        failure.ShouldReport("items[1].quantity");
        failure.ShouldReport("items[2].quantity", "is required.");
        failure.ShouldReport("items[3].sku");
        failure.ShouldReport("items[4].quantity");
        failure.ShouldReport("subtotal.currency");
        Geocoder.Looked.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_quote_needs_at_least_one_item_and_a_subtotal()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Quotes.QuoteAsync(new ShippingQuoteInput(ShippingAddressRulesTests.Amsterdam, [], null), CancellationToken.None));

        failure.ShouldReport("items");
        failure.ShouldReport("subtotal");
    }

    [Fact]
    public async Task A_subtotal_of_zero_may_be_quoted()
    {
        await Quotes.QuoteAsync(Input(subtotal: new Money(0m, "EUR")), CancellationToken.None);

        Geocoder.Looked.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_country_the_shop_does_not_ship_to_is_named_as_the_address_s_country()
    {
        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            Quotes.QuoteAsync(Input(ShippingAddressRulesTests.Amsterdam with { Country = "BR", PostalCode = "01310-100" }), CancellationToken.None));

        refusal.Field.ShouldBe("address.country");
        refusal.Message.ShouldBe("We do not ship to BR.");
    }
}
