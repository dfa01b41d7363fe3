using Microsoft.Playwright;
using Serverless.Shop.IntegrationTests.Storefront;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>The storefront's product page in a real browser (headless Chromium): "Notify me" on a sold-out option, posting through the public API.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class BackInStockPageTests(LocalShopFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private readonly BackInStockShopper _shopper = new(fixture);

    private async Task<IPage> OpenAsync(IBrowserContext context, BackInStockShopper.Variant variant, List<string> scriptErrors)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.PageError += (_, error) => scriptErrors.Add(error);
        await page.GotoAsync($"{fixture.Shop.BaseAddress}api/storefront/products/{variant.Slug}");
        return page;
    }

    [Fact]
    public async Task A_sold_out_option_offers_notify_me_and_the_shoppers_address_is_stored()
    {
        var variant = await _shopper.ProductAsync();
        var email = $"page-{Guid.NewGuid():N}@example.com";
        await using var context = await chromium.Browser.NewContextAsync();
        var scriptErrors = new List<string>();
        var page = await OpenAsync(context, variant, scriptErrors);

        await page.Locator("#notify").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        (await page.IsDisabledAsync("#add-to-cart")).ShouldBeTrue("a sold-out option cannot be added to the cart");
        await page.FillAsync("#notify-email", email);
        await page.ClickAsync("#notify-me");
        await page.Locator("#notify-message.notice").WaitForAsync();
        (await page.TextContentAsync("#notify-message"))!.ShouldContain("we will email you once");

        var stored = (await _shopper.StoredAsync(variant.Sku)).ShouldHaveSingleItem();
        stored.Email.ShouldBe(email);
        scriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_option_in_stock_shows_no_notify_form()
    {
        var variant = await _shopper.ProductAsync(units: 3);
        await using var context = await chromium.Browser.NewContextAsync();
        var scriptErrors = new List<string>();
        var page = await OpenAsync(context, variant, scriptErrors);

        // Once the page has read the stock through the API (it marks the form), it has decided.
        await page.Locator("#notify[data-stock-read='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        (await page.IsHiddenAsync("#notify")).ShouldBeTrue();
        (await page.IsEnabledAsync("#add-to-cart")).ShouldBeTrue();
        scriptErrors.ShouldBeEmpty();
    }
}
