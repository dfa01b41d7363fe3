using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Hosting;
using Serverless.Shop.IntegrationTests.Storefront;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>
/// The abandoned-cart flow through the local shop: a guest who subscribed to the newsletter starts a checkout whose
/// card is declined, leaves the cart, and gets one reminder whose link opens the cart again, in the API and in a browser.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class AbandonedCartFlowTests(LocalShopFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private const string Reminder = "You left something in your cart";
    private readonly CheckoutShopper _shopper = new(fixture);
    private readonly TestMailbox _mailbox = new(fixture);

    // The flow is off until a marketer switches it on: here with reminders 1 and 24 hours after the cart's last change.
    public async Task InitializeAsync() =>
        await new FlowClient(fixture).SetAsync(RemindAbandonedCarts.FlowId, new { enabled = true, steps = new[] { new { delayHours = 1 }, new { delayHours = 24 } } });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_guest_who_left_a_declined_checkout_gets_one_reminder_whose_link_opens_the_cart()
    {
        var email = $"left-{Guid.NewGuid():N}@example.com";
        await SubscribeAsync(email);
        var variant = await _shopper.ProductInStockAsync(units: 5, price: 18.00m);
        var cart = await _shopper.CartWithAsync(variant, 2);
        var declined = await _shopper.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, token: "pm_card_chargeDeclined", email: email));
        declined.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, declined.Body.ToString());
        await _shopper.FinishedAsync(declined.Number);
        (await _shopper.OrderAsync(declined)).GetProperty("status").GetString().ShouldBe("cancelled");

        await fixture.Shop.RunTimerAsync("RemindAbandonedCarts");
        _mailbox.Mails(email, Reminder).ShouldBeEmpty("the cart changed minutes ago, not an hour");

        var sentBefore = await SentByTheFlowAsync();
        await MakeIdleAsync(cart.Id, TimeSpan.FromHours(2));
        await fixture.Shop.RunTimerAsync("RemindAbandonedCarts");

        var mail = await _mailbox.MailAsync(email, Reminder);
        (await SentByTheFlowAsync()).ShouldBeGreaterThan(sentBefore, "the flow's results count the reminder");
        mail.ShouldContain("List-Unsubscribe: <" + fixture.Shop.BaseAddress + "api/marketing/unsubscribe?token=");
        mail.ShouldContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
        mail.ShouldContain($"X-Campaign-Id: {RemindAbandonedCarts.FlowId}");
        var link = new Uri(mail.Split("\r\n").Single(l => l.StartsWith("Open your cart: ", StringComparison.Ordinal))["Open your cart: ".Length..]);
        link.GetLeftPart(UriPartial.Path).ShouldBe(fixture.Shop.BaseAddress + "api/storefront/cart");
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        query["cart"].ShouldBe(cart.Id);
        query["utm_campaign"].ShouldBe(RemindAbandonedCarts.FlowId);
        var token = query["token"].ShouldNotBeNull();

        // The link's token opens the cart through the API, as the shopper's own token does.
        using var opened = await _shopper.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", token);
        var body = await opened.JsonAsync();
        opened.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("lines")[0].GetProperty("quantity").GetInt32().ShouldBe(2);

        // And in a browser: the storefront's cart page keeps it as this browser's cart and shows what is in it.
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(link.AbsoluteUri);
        await page.Locator(".cart-line").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        (await page.TextContentAsync(".cart-line"))!.ShouldContain("2 ×");
        page.Url.ShouldNotContain("token=");
        (await page.EvaluateAsync<string>("() => localStorage.getItem('shop.cart')")).ShouldContain(cart.Id);

        // Once: a second run sends nothing more for this idle spell (the second reminder is due at 24 hours).
        await fixture.Shop.RunTimerAsync("RemindAbandonedCarts");
        _mailbox.Mails(email, Reminder).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_guest_who_never_agreed_to_marketing_email_gets_no_reminder()
    {
        var email = $"no-consent-{Guid.NewGuid():N}@example.com";
        var variant = await _shopper.ProductInStockAsync(units: 5);
        var cart = await _shopper.CartWithAsync(variant, 1);
        var declined = await _shopper.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, token: "pm_card_chargeDeclined", email: email));
        await _shopper.FinishedAsync(declined.Number);

        await MakeIdleAsync(cart.Id, TimeSpan.FromHours(2));
        await fixture.Shop.RunTimerAsync("RemindAbandonedCarts");

        _mailbox.Mails(email, Reminder).ShouldBeEmpty();
    }

    private async Task SubscribeAsync(string email)
    {
        var anonymous = fixture.Client();
        var subscribed = await anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Accepted, await subscribed.Content.ReadAsStringAsync());
        var confirmation = await _mailbox.MailAsync(email, "Confirm your newsletter subscription");
        var start = confirmation.IndexOf(fixture.Shop.BaseAddress + "api/newsletter/confirmations?token=", StringComparison.Ordinal);
        var end = confirmation.IndexOfAny([' ', '\r', '\n', '"', '<'], start);
        var confirmed = await anonymous.PostAsync(confirmation[start..end], null);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
    }

    /// <summary>The cart as if nobody had touched it for <paramref name="idle"/>: its last change moved back, as time would.</summary>
    private async Task<long> SentByTheFlowAsync()
    {
        using var response = await fixture.Client(Serverless.Shop.Domain.Administration.ShopRoles.Marketer).GetAsync($"api/marketing/flows/{RemindAbandonedCarts.FlowId}/results");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body.GetProperty("sent").GetInt64();
    }

    private async Task MakeIdleAsync(string cartId, TimeSpan idle)
    {
        var carts = fixture.Shop.Services.GetRequiredService<ShopContainers>().Carts;
        var stored = await carts.ReadItemAsync<JsonObject>(cartId, new PartitionKey(cartId));
        var document = stored.Resource;
        var changed = DateTimeOffset.UtcNow - idle;
        document["changedAt"] = changed.ToUnixTimeSeconds();
        document["cart"]!["updatedAt"] = changed.ToString("O");
        await carts.ReplaceItemAsync(document, cartId, new PartitionKey(cartId), new ItemRequestOptions { IfMatchEtag = stored.ETag });
    }
}
