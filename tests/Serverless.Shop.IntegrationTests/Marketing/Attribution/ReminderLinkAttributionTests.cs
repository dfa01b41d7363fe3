using Microsoft.Playwright;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Storefront;

namespace Serverless.Shop.IntegrationTests.Marketing.Attribution;

/// <summary>
/// In a real browser (headless Chromium): a flow's link that opens the storefront's cart page (the abandoned-cart
/// reminder's: cart, token and UTM tags) records its visit on the cart, so an order placed from there is credited to
/// the flow (docs/marketing.md#attributed-revenue); the restore token stays out of what is recorded. A product page
/// reached from a campaign's link records the visit on the cart the browser already has, as on a new one.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ReminderLinkAttributionTests(LocalShopFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task A_reminders_link_opened_on_the_cart_page_becomes_the_carts_last_touch_for_its_flow()
    {
        var shopper = new CheckoutShopper(fixture);
        var variant = await shopper.ProductInStockAsync(units: 3, price: 15.00m);
        var cart = await shopper.CartWithAsync(variant, 1);
        var link = $"{fixture.Shop.BaseAddress}api/storefront/cart?cart={cart.Id}&token={cart.Token}"
            + $"&utm_source=shop&utm_medium=email&utm_campaign={RemindAbandonedCarts.FlowId}&utm_content=reminder-1";

        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        await page.GotoAsync(link);
        await page.Locator(".cart-line").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

        var read = await HttpTestExtensions.EventuallyAsync(
            async () => await (await shopper.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token)).JsonAsync(),
            c => c.TryGetProperty("attribution", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.Object);
        var last = read.GetProperty("attribution").GetProperty("lastTouch");
        last.GetProperty("utmMedium").GetString().ShouldBe("email");
        last.GetProperty("utmCampaign").GetString().ShouldBe(RemindAbandonedCarts.FlowId);
        last.GetProperty("utmContent").GetString().ShouldBe("reminder-1");
        var landing = last.GetProperty("landingPage").GetString()!;
        landing.ShouldStartWith(fixture.Shop.BaseAddress + "api/storefront/cart?");
        landing.ShouldNotContain("token=");
        landing.ShouldNotContain(cart.Token);
        scriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_shopper_who_has_a_cart_and_comes_back_from_a_campaign_link_records_that_visit_when_adding_to_it()
    {
        var shopper = new CheckoutShopper(fixture);
        var variant = await shopper.ProductInStockAsync(units: 5, price: 12.00m);
        var cart = await shopper.CartWithAsync(variant, 1);
        var slug = (await (await fixture.Client().GetAsync($"api/products/{variant.ProductId}")).JsonAsync()).GetProperty("slug").GetString()!;
        var pages = fixture.Shop.BaseAddress + "api/storefront";
        var campaign = "cmp_" + Guid.NewGuid().ToString("N");

        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        // This browser already has the cart (from an earlier visit); then the shopper clicks the campaign's link.
        await page.GotoAsync(pages);
        await page.EvaluateAsync("saved => localStorage.setItem('shop.cart', saved)", $$"""{"id":"{{cart.Id}}","token":"{{cart.Token}}"}""");
        await page.GotoAsync($"{pages}/products/{slug}?utm_source=newsletter&utm_medium=email&utm_campaign={campaign}");
        await page.ClickAsync("#add-to-cart");
        await page.Locator("#go-to-cart").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

        var read = await (await shopper.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token)).JsonAsync();
        read.GetProperty("lines")[0].GetProperty("quantity").GetInt32().ShouldBe(2, "the line went into the cart the browser had");
        var last = read.GetProperty("attribution").GetProperty("lastTouch");
        (last.GetProperty("utmMedium").GetString(), last.GetProperty("utmCampaign").GetString()).ShouldBe(("email", campaign));
        scriptErrors.ShouldBeEmpty();
    }
}
