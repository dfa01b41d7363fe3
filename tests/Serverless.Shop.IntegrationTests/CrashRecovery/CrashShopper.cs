using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.LocalHost.Simulators;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.Infrastructure.Shipping;
using Serverless.Shop.IntegrationTests.Http;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.CrashRecovery;

/// <summary>What one crash case buys, and what it knows about its order so far.</summary>
public sealed class CrashOrder
{
    public const int UnitsInStock = 5;
    public const int Quantity = 2;
    public const int CouponLimit = 5;

    public required string Sku { get; init; }
    public required string PromotionId { get; init; }
    public required string CartId { get; init; }
    public required string CartToken { get; init; }
    public required string Email { get; init; }
    public required string IdempotencyKey { get; init; }

    /// <summary>Known once the checkout answered (or, when the host died before answering, found by the buyer's email).</summary>
    public string? Number { get; set; }

    public DateTimeOffset? PaidAt { get; set; }
}

/// <summary>
/// The storefront, the shopper, the payment provider and the staff of one crash case, against a local host process
/// through its HTTP API and simulator pages only: nothing here reaches into the host's memory.
/// </summary>
public sealed class CrashShopper(Uri baseAddress, DevTokens tokens, CrashScenario scenario, string bankWebhookSecret)
{
    /// <summary>A provider redelivers a webhook it got no answer for; the shopper presses again after a while.</summary>
    private static readonly TimeSpan RedeliverAfter = TimeSpan.FromSeconds(6);

    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    private HttpRequestMessage Request(HttpMethod method, string url, string? role = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (role is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(role));
        if (body is not null) request.Content = JsonContent.Create(body, options: ShopJson.Options);
        return request;
    }

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, HttpStatusCode expected)
    {
        using var response = await _http.SendAsync(request);
        var json = await response.JsonAsync();
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}: {json}");
        return json;
    }

    /// <summary>A product with <see cref="CrashOrder.UnitsInStock"/> units, a coupon limited to <see cref="CrashOrder.CouponLimit"/> uses, and a cart with both.</summary>
    public async Task<CrashOrder> PrepareAsync()
    {
        var sku = TestCatalog.Unique("CRASH").ToUpperInvariant();
        var product = await SendAsync(Request(HttpMethod.Post, "api/products", ShopRoles.Merchandiser, TestCatalog.ProductBody(TestCatalog.Unique("Crash Mug"), 20.00m, sku)), HttpStatusCode.Created);
        var productId = product.GetProperty("id").GetString()!;
        await SendAsync(Request(HttpMethod.Post, $"api/inventory/{sku}/adjustments", ShopRoles.Merchandiser, new { quantity = CrashOrder.UnitsInStock, reason = "count" }), HttpStatusCode.OK);
        var code = Http.PromotionApiTests.UniqueCode("KILL");
        var promotion = await SendAsync(Request(HttpMethod.Post, "api/promotions", ShopRoles.Marketer, new
        {
            name = "Crash test coupon", kind = "percentOff", percent = 10, code, usageLimit = CrashOrder.CouponLimit,
            target = new { kind = "products", ids = new[] { productId } },
        }), HttpStatusCode.Created);

        var cart = await SendAsync(Request(HttpMethod.Post, "api/carts"), HttpStatusCode.Created);
        var (cartId, cartToken) = (cart.GetProperty("id").GetString()!, cart.GetProperty("cartToken").GetString()!);
        var line = Request(HttpMethod.Post, $"api/carts/{cartId}/lines", body: new { productId, sku, quantity = CrashOrder.Quantity });
        line.Headers.Add(Checkout.CheckoutShopper.CartTokenHeader, cartToken);
        await SendAsync(line, HttpStatusCode.OK);
        var coupon = Request(HttpMethod.Post, $"api/carts/{cartId}/codes", body: new { code });
        coupon.Headers.Add(Checkout.CheckoutShopper.CartTokenHeader, cartToken);
        await SendAsync(coupon, HttpStatusCode.OK);

        return new CrashOrder
        {
            Sku = sku, PromotionId = promotion.GetProperty("id").GetString()!, CartId = cartId, CartToken = cartToken,
            Email = $"{TestCatalog.Unique("crash")}@example.com", IdempotencyKey = Guid.NewGuid().ToString(),
        };
    }

    /// <summary>
    /// POST /api/checkouts, as a storefront does, with the same Idempotency-Key every time: after a host died mid-request
    /// the storefront retries, and the key answers the first order. When the request never got an answer and its retry
    /// is refused, the order is looked up by the buyer's email (staff can; the order was written before the host died).
    /// </summary>
    public async Task PlaceAsync(CrashOrder order)
    {
        var (method, token) = scenario switch
        {
            CrashScenario.Card or CrashScenario.CardCarrierDown => ("card", Checkout.CheckoutShopper.VisaToken),
            CrashScenario.CardThreeDSecure => ("card", "4000002500003155"),
            CrashScenario.BankTransferWebhook or CrashScenario.BankTransferAdmin => ("bankTransfer", (string?)null),
            _ => ("eWallet", null),
        };
        var line1 = scenario == CrashScenario.CardCarrierDown ? $"{LocalCarrierSimulator.DownMarker} street 1" : "Damrak 1";
        var request = Request(HttpMethod.Post, "api/checkouts", body: new
        {
            cartId = order.CartId, email = order.Email, paymentMethod = method, paymentToken = token, returnUrl = "https://storefront.example/checkout/done",
            shippingAddress = Checkout.CheckoutShopper.Address(line1: line1),
        });
        request.Headers.Add(Checkout.CheckoutShopper.CartTokenHeader, order.CartToken);
        request.Headers.Add("Idempotency-Key", order.IdempotencyKey);
        try
        {
            using var response = await _http.SendAsync(request);
            var json = await response.JsonAsync();
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                order.Number = json.GetProperty("orderNumber").GetString();
                return;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The host died while answering; the order may or may not exist.
        }
        order.Number ??= await FindByEmailAsync(order.Email);
    }

    private async Task<string?> FindByEmailAsync(string email)
    {
        var found = await SendAsync(Request(HttpMethod.Get, $"api/orders?email={Uri.EscapeDataString(email)}", ShopRoles.Admin), HttpStatusCode.OK);
        var numbers = found.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("number").GetString()!).ToList();
        return numbers.Count switch
        {
            0 => null,
            1 => numbers[0],
            _ => throw new InvalidOperationException($"One checkout made {numbers.Count} orders for {email}: {string.Join(", ", numbers)}."),
        };
    }

    /// <summary>The order as staff see it (payment, history with sequences).</summary>
    public Task<JsonElement> OrderAsync(string number) => SendAsync(Request(HttpMethod.Get, $"api/orders/{number}", ShopRoles.Admin), HttpStatusCode.OK);

    public Task<JsonElement> StockAsync(string sku) => SendAsync(Request(HttpMethod.Get, $"api/inventory/{sku}", ShopRoles.Merchandiser), HttpStatusCode.OK);

    public Task<JsonElement> UsageAsync(string promotionId) => SendAsync(Request(HttpMethod.Get, $"api/promotions/{promotionId}/usage", ShopRoles.Marketer), HttpStatusCode.OK);

    public async Task<bool> CartExistsAsync(CrashOrder order)
    {
        var request = Request(HttpMethod.Get, $"api/carts/{order.CartId}");
        request.Headers.Add(Checkout.CheckoutShopper.CartTokenHeader, order.CartToken);
        using var response = await _http.SendAsync(request);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            var status => throw new InvalidOperationException($"GET cart answered {(int)status}: {await response.Content.ReadAsStringAsync()}"),
        };
    }

    /// <summary>Runs the resume timer now, as its schedule would (the local host's admin endpoint, as `func start` has).</summary>
    public async Task RunResumeTimerAsync()
    {
        using var response = await _http.PostAsync("admin/functions/ResumeInterruptedCheckouts", null);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"Running ResumeInterruptedCheckouts answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// One move of the checkout's outside world: place the order if it is not placed yet; once the order waits for the
    /// shopper or the bank, pay (3-D Secure page, wallet page, bank webhook, admin), and pay again (a redelivery) while
    /// it still waits a while later. Safe to call again and again; calls that reach a dead host simply fail.
    /// </summary>
    public async Task AdvanceAsync(CrashOrder order)
    {
        if (order.Number is null)
        {
            await PlaceAsync(order);
            if (order.Number is null) return;
        }
        if (scenario is CrashScenario.Card or CrashScenario.CardCarrierDown) return;
        var current = await OrderAsync(order.Number);
        if (current.GetProperty("status").GetString() != "pendingPayment" || !current.TryGetProperty("payment", out var payment) || payment.ValueKind != JsonValueKind.Object)
            return;
        if (payment.GetProperty("outcome").GetString() is not ("actionRequired" or "awaitingTransfer")) return;
        if (order.PaidAt is { } last && DateTimeOffset.UtcNow - last < RedeliverAfter) return;
        order.PaidAt = DateTimeOffset.UtcNow;
        await PayAsync(order.Number, current, payment);
    }

    private async Task PayAsync(string number, JsonElement current, JsonElement payment)
    {
        var total = current.GetProperty("pricing").GetProperty("total");
        switch (scenario)
        {
            case CrashScenario.CardThreeDSecure:
                // The shopper presses "authenticate" on the simulated bank's page, which posts the signed webhook to the shop.
                using (var pressed = await _http.PostAsync($"{LocalCardPaymentSimulator.AuthenticationPagePath}/{payment.GetProperty("paymentId").GetString()}/authenticate", null)) { }
                break;
            case CrashScenario.Wallet:
                using (var approved = await _http.PostAsync($"{LocalWalletSimulator.PagePath}/{payment.GetProperty("paymentId").GetString()}/approve", null)) { }
                break;
            case CrashScenario.BankTransferWebhook:
                await SendBankWebhookAsync(payment.GetProperty("transfer"));
                break;
            case CrashScenario.BankTransferAdmin:
                using (var marked = await _http.SendAsync(Request(HttpMethod.Post, $"api/orders/{number}/bank-transfer/received", ShopRoles.Admin, new { amount = total, reference = "statement line" }))) { }
                break;
        }
    }

    // What the bank's statement integration sends when the transfer arrives, signed with the shop's bank webhook secret.
    private async Task SendBankWebhookAsync(JsonElement transfer)
    {
        // The event id is the order's, so a redelivery is the same event.
        var body = JsonSerializer.Serialize(new
        {
            id = "evt_bank_" + transfer.GetProperty("reference").GetString(), type = BankWebhookReader.TransferReceived,
            reference = transfer.GetProperty("reference").GetString(), amount = transfer.GetProperty("amount").GetProperty("amount").GetDecimal(),
            currency = transfer.GetProperty("amount").GetProperty("currency").GetString(), occurredAt = DateTimeOffset.UtcNow,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/payments/bank-transfer") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(BankWebhookReader.SignatureHeader, HmacWebhookSignature.Sign(body, bankWebhookSecret, DateTimeOffset.UtcNow));
        using var response = await _http.SendAsync(request);
    }
}
