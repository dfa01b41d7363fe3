using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Hosting;
using Serverless.Shop.IntegrationTests.Marketing.Flows;

namespace Serverless.Shop.IntegrationTests.Analytics.Behaviour;

/// <summary>
/// Abandoned carts through the local shop: CountAbandonedCarts finds idle carts in the carts container, counts each
/// once, leaves out carts that became orders, and a paid order from the cart marks it recovered (after a reminder when
/// the abandoned-cart flow sent one); read over HTTP as a marketer.
/// </summary>
[Collection(BehaviourShopCollection.Name)]
public sealed class AbandonedCartCountingTests(BehaviourShopFixture fixture)
{
    private readonly CheckoutShopper _shopper = new(fixture);
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);
    private static readonly TimeSpan BeyondIdleHours = TimeSpan.FromHours(AbandonedCartAnalyticsSettings.DefaultHours + 1);

    [Fact]
    public async Task A_cart_left_beyond_the_idle_hours_is_counted_once_on_the_day_it_went_idle_with_its_value()
    {
        var variant = await _shopper.ProductInStockAsync(units: 5, price: 18.00m);
        var cart = await _shopper.CartWithAsync(variant, 2);
        var total = await CartTotalInCentsAsync(cart);
        await fixture.Shop.RunTimerAsync("CountAbandonedCarts");
        (await ListedAsync(cart.Id, DateTimeOffset.UtcNow)).ShouldBeEmpty("the cart changed a moment ago");

        var idleSince = await MakeIdleAsync(cart.Id, BeyondIdleHours);
        var day = DateOnly.FromDateTime(idleSince.UtcDateTime);
        var before = await DayAsync(day);
        await fixture.Shop.RunTimerAsync("CountAbandonedCarts");
        await fixture.Shop.RunTimerAsync("CountAbandonedCarts");

        var listed = (await ListedAsync(cart.Id, idleSince)).ShouldHaveSingleItem();
        listed.GetProperty("value").GetInt64().ShouldBe(total);
        listed.GetProperty("currency").GetString().ShouldBe("EUR");
        listed.GetProperty("units").GetInt32().ShouldBe(2);
        listed.GetProperty("recovered").GetBoolean().ShouldBeFalse();
        listed.TryGetProperty("email", out _).ShouldBeFalse("a guest who never gave an address has no contact");
        var after = await DayAsync(day);
        (after.Count - before.Count).ShouldBe(1);
        (after.Value - before.Value).ShouldBe(total);
    }

    [Fact]
    public async Task A_cart_whose_order_awaits_payment_is_not_counted()
    {
        var variant = await _shopper.ProductInStockAsync(units: 5);
        var cart = await _shopper.CartWithAsync(variant, 1);
        var placed = await _shopper.PlaceAsync(cart, method: "bankTransfer", token: null);
        await _shopper.AwaitingPaymentAsync(placed);

        var idleSince = await MakeIdleAsync(cart.Id, BeyondIdleHours);
        await fixture.Shop.RunTimerAsync("CountAbandonedCarts");

        (await ListedAsync(cart.Id, idleSince)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_guest_reminded_of_a_cart_who_then_pays_for_it_recovers_it_after_a_reminder()
    {
        await new FlowClient(fixture).SetAsync(RemindAbandonedCarts.FlowId, new { enabled = true, steps = new[] { new { delayHours = 1 }, new { delayHours = 48 } } });
        var email = $"recovered-{Guid.NewGuid():N}@example.com";
        await SubscribeAsync(email);
        var variant = await _shopper.ProductInStockAsync(units: 5, price: 25.00m);
        var cart = await _shopper.CartWithAsync(variant, 1);
        var declined = await _shopper.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, token: "pm_card_chargeDeclined", email: email));
        declined.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, declined.Body.ToString());
        await _shopper.FinishedAsync(declined.Number);
        var idleSince = await MakeIdleAsync(cart.Id, BeyondIdleHours);
        await fixture.Shop.RunTimerAsync("RemindAbandonedCarts");
        await new TestMailbox(fixture).MailAsync(email, "You left something in your cart");

        await fixture.Shop.RunTimerAsync("CountAbandonedCarts");
        var counted = (await ListedAsync(cart.Id, idleSince)).ShouldHaveSingleItem();
        counted.GetProperty("email").GetString().ShouldBe(email, "a subscriber may be contacted: the list opens the address from the cancelled order");
        counted.GetProperty("remindersSent").GetInt32().ShouldBe(1);

        var paid = await _shopper.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, email: email));
        paid.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, paid.Body.ToString());
        await _shopper.CompletedAsync(paid.Number);

        var recovered = await HttpTestExtensions.EventuallyAsync(async () => (await ListedAsync(cart.Id, idleSince)).Single(), c => c.GetProperty("recovered").GetBoolean());
        recovered.GetProperty("recovered").GetBoolean().ShouldBeTrue(recovered.ToString());
        recovered.GetProperty("recoveredAfterReminder").GetBoolean().ShouldBeTrue();
        recovered.GetProperty("recoveredByOrder").GetString().ShouldBe(paid.Number);
        var day = await DayAsync(DateOnly.FromDateTime(idleSince.UtcDateTime));
        day.Recovered.ShouldBeGreaterThanOrEqualTo(1);
        day.AfterReminder.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_customers_abandoned_carts_are_in_their_export_and_lose_the_customer_when_they_are_erased()
    {
        var store = fixture.Shop.Services.GetRequiredService<IAbandonedCartStore>();
        var section = fixture.Shop.Services.GetRequiredService<AbandonedCartPersonalData>();
        var customerId = "cust-" + Guid.NewGuid().ToString("N");
        var idleSince = DateTimeOffset.UtcNow.AddDays(-2);
        var cartId = "cart_" + Guid.NewGuid().ToString("N");
        (await store.CountAsync(new AbandonedCart(AbandonedCart.IdFor(cartId, idleSince), cartId, DateOnly.FromDateTime(idleSince.UtcDateTime), idleSince,
            DateTimeOffset.UtcNow, "EUR", 4200, 1, 1, customerId, null, 0, null), CancellationToken.None)).ShouldBeTrue();

        var exported = JsonSerializer.SerializeToElement(await section.ExportAsync(customerId, CancellationToken.None), ShopJson.Options);
        exported.EnumerateArray().ShouldHaveSingleItem().GetProperty("cartId").GetString().ShouldBe(cartId);

        await section.CleanUpAsync(customerId, CancellationToken.None);
        await section.CleanUpAsync(customerId, CancellationToken.None);

        (await section.ExportAsync(customerId, CancellationToken.None)).ShouldBeNull();
        var kept = (await ListedAsync(cartId, idleSince)).ShouldHaveSingleItem();
        kept.TryGetProperty("customerId", out _).ShouldBeFalse(kept.ToString());
        kept.GetProperty("value").GetInt64().ShouldBe(4200, "the count and value stay");
    }

    private async Task<long> CartTotalInCentsAsync(CheckoutShopper.Cart cart)
    {
        using var response = await _shopper.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return (long)(body.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal() * 100);
    }

    private async Task<IReadOnlyList<JsonElement>> ListedAsync(string cartId, DateTimeOffset idleSince)
    {
        var day = DateOnly.FromDateTime(idleSince.UtcDateTime);
        using var response = await _marketer.GetAsync($"api/analytics/abandoned-carts/list?from={day:yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}&top=200");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return [.. body.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("cartId").GetString() == cartId)];
    }

    private async Task<(long Count, long Value, long Recovered, long AfterReminder)> DayAsync(DateOnly day)
    {
        using var response = await _marketer.GetAsync($"api/analytics/abandoned-carts?from={day:yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        var eur = body.GetProperty("days").EnumerateArray().SingleOrDefault(d => d.GetProperty("currency").GetString() == "EUR");
        // A one-day range: its total is that day, and a total names no day of its own.
        var total = body.GetProperty("totals").EnumerateArray().SingleOrDefault(t => t.GetProperty("currency").GetString() == "EUR");
        (total.ValueKind == JsonValueKind.Undefined ? 0 : total.GetProperty("count").GetInt64()).ShouldBe(eur.ValueKind == JsonValueKind.Undefined ? 0 : eur.GetProperty("count").GetInt64());
        if (total.ValueKind != JsonValueKind.Undefined) total.TryGetProperty("day", out _).ShouldBeFalse();
        return eur.ValueKind == JsonValueKind.Undefined ? (0, 0, 0, 0)
            : (eur.GetProperty("count").GetInt64(), eur.GetProperty("value").GetInt64(), eur.GetProperty("recovered").GetInt64(), eur.GetProperty("recoveredAfterReminder").GetInt64());
    }

    private async Task SubscribeAsync(string email)
    {
        var mailbox = new TestMailbox(fixture);
        var anonymous = fixture.Client();
        var subscribed = await anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Accepted, await subscribed.Content.ReadAsStringAsync());
        var confirmation = await mailbox.MailAsync(email, "Confirm your newsletter subscription");
        var start = confirmation.IndexOf(fixture.Shop.BaseAddress + "api/newsletter/confirmations?token=", StringComparison.Ordinal);
        var end = confirmation.IndexOfAny([' ', '\r', '\n', '"', '<'], start);
        var confirmed = await anonymous.PostAsync(confirmation[start..end], null);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
    }

    /// <summary>The cart as if nobody had touched it for <paramref name="idle"/>: its last change moved back, as time would.</summary>
    private async Task<DateTimeOffset> MakeIdleAsync(string cartId, TimeSpan idle)
    {
        var carts = fixture.Shop.Services.GetRequiredService<ShopContainers>().Carts;
        var stored = await carts.ReadItemAsync<JsonObject>(cartId, new PartitionKey(cartId));
        var document = stored.Resource;
        var changed = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow - idle).ToUnixTimeSeconds());
        document["changedAt"] = changed.ToUnixTimeSeconds();
        document["cart"]!["updatedAt"] = changed.ToString("O");
        await carts.ReplaceItemAsync(document, cartId, new PartitionKey(cartId), new ItemRequestOptions { IfMatchEtag = stored.ETag });
        return changed;
    }
}
