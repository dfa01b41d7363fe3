using System.Text.Json;
using Microsoft.Playwright;
using Serverless.Shop.IntegrationTests.Checkout;

namespace Serverless.Shop.IntegrationTests.Storefront;

/// <summary>A shopper in a real browser (headless Chromium): home, a product, its tags and JSON-LD, the cart, a card checkout, the confirmation.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class StorefrontBrowserTests(LocalShopFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_shopper_browses_from_home_to_a_product_adds_it_to_the_cart_and_checks_out_by_card()
    {
        var shopper = new CheckoutShopper(fixture);
        var variant = await shopper.ProductInStockAsync(units: 5, price: 24.00m);
        var product = await (await fixture.Client().GetAsync($"api/products/{variant.ProductId}")).JsonAsync();
        var name = product.GetProperty("name").GetString()!;
        var slug = product.GetProperty("slug").GetString()!;
        var pages = fixture.Shop.BaseAddress + "api/storefront";

        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);

        // Home, then the product from its card (the newest product is listed first).
        await page.GotoAsync(pages + "?utm_source=newsletter&utm_campaign=winter");
        await page.ClickAsync($"a.product-link[href='{pages}/products/{slug}']");
        await page.WaitForURLAsync($"{pages}/products/{slug}");

        // What a crawler reads, as the browser parsed it.
        (await page.TitleAsync()).ShouldBe($"{name} | Serverless.Shop");
        (await page.GetAttributeAsync("link[rel=canonical]", "href")).ShouldBe($"{pages}/products/{slug}");
        (await page.GetAttributeAsync("meta[property='og:type']", "content")).ShouldBe("product");
        (await page.GetAttributeAsync("meta[name='twitter:title']", "content")).ShouldBe($"{name} | Serverless.Shop");
        (await page.GetAttributeAsync("meta[name=description]", "content")).ShouldBe("A fine product.");
        var jsonLd = await page.EvalOnSelectorAllAsync<string[]>("script[type='application/ld+json']", "scripts => scripts.map(s => s.textContent)");
        var structured = jsonLd.Select(j => JsonDocument.Parse(j).RootElement.Clone()).ToList();
        structured.Select(s => s.GetProperty("@type").GetString()).ShouldBe(["Product", "BreadcrumbList", "Organization"]);
        var offer = structured[0].GetProperty("offers")[0];
        offer.GetProperty("sku").GetString().ShouldBe(variant.Sku);
        offer.GetProperty("price").GetString().ShouldBe("24.00");
        structured[0].GetProperty("name").GetString().ShouldBe(name);

        // The landing page's query string is kept for attribution.
        var landing = await page.EvaluateAsync<string>("() => sessionStorage.getItem('shop.landing')");
        landing.ShouldContain("utm_source=newsletter");

        // Add to cart, then the cart page.
        await page.FillAsync("#quantity", "2");
        await page.ClickAsync("#add-to-cart");
        await page.ClickAsync("#go-to-cart");
        await page.WaitForURLAsync($"{pages}/cart");
        (await page.TextContentAsync(".cart-line"))!.ShouldContain($"2 × {name}");
        (await page.EvaluateAsync<string>("() => localStorage.getItem('shop.cart')")).ShouldContain("\"token\"");

        // Check out with the local card simulator's test card, and see the confirmation.
        await page.FillAsync("#email", "browser.shopper@example.com");
        await page.FillAsync("#name", "Ada Browser");
        await page.FillAsync("#line1", "Damrak 1");
        await page.FillAsync("#postalCode", "1012 LG");
        await page.FillAsync("#city", "Amsterdam");
        await page.FillAsync("#country", "NL");
        await page.FillAsync("#paymentToken", CheckoutShopper.VisaToken);
        await page.ClickAsync("#place-order");
        var confirmation = page.Locator("#confirmation .order-number");
        await confirmation.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        var text = await confirmation.TextContentAsync() ?? "";
        text.ShouldMatch(@"^Order SS-[A-Z0-9]{4}-[A-Z0-9]{4} is confirmed: \d+\.\d\d EUR\.$");
        (await page.EvaluateAsync<string?>("() => localStorage.getItem('shop.cart')")).ShouldBeNull();
        scriptErrors.ShouldBeEmpty();

        // The order is real: paid, for the two units.
        var number = text.Split(' ')[1];
        var order = await (await shopper.Admin.GetAsync($"api/orders/{number}")).JsonAsync();
        order.GetProperty("status").GetString().ShouldNotBe("pendingPayment");
        order.GetProperty("status").GetString().ShouldNotBe("cancelled");
        order.GetProperty("pricing").GetProperty("lines")[0].GetProperty("quantity").GetInt32().ShouldBe(2);

        // The landing link's campaign came with the cart into the order (first and last touch are the one visit).
        var touch = order.GetProperty("attribution").GetProperty("firstTouch");
        touch.GetProperty("utmSource").GetString().ShouldBe("newsletter");
        touch.GetProperty("utmCampaign").GetString().ShouldBe("winter");
        touch.GetProperty("landingPage").GetString().ShouldBe(pages + "?utm_source=newsletter&utm_campaign=winter");
    }
}
