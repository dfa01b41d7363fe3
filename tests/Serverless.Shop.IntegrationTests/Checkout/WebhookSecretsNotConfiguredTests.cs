using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>
/// A local shop whose webhook secrets are still Key Vault references, as App Service passes them on when it cannot
/// resolve them: the literal text anyone can work out from the app's name.
/// </summary>
public sealed class UnresolvedKeyVaultSecretsFixture : LocalShopFixture
{
    public static string Reference(string name) => $"@Microsoft.KeyVault(SecretUri=https://kv-shop.vault.azure.net/secrets/{name})";

    protected override IReadOnlyDictionary<string, string?> OverriddenSettings { get; } = new Dictionary<string, string?>
    {
        ["Payments:CardSimulator:WebhookSecret"] = Reference("card-webhook-secret"),
        ["Payments:BankTransfer:WebhookSecret"] = Reference("bank-webhook-secret"),
        ["Payments:LocalWallet:WebhookSecret"] = Reference("wallet-webhook-secret"),
        ["Shipping:Carrier:WebhookSecret"] = Reference("carrier-webhook-secret"),
        ["Reviews:InvitationSigningKey"] = Reference("review-invitation-signing-key"),
    };
}

/// <summary>A local shop whose webhook secrets are not set at all (the local host's values taken away).</summary>
public sealed class MissingSecretsFixture : LocalShopFixture
{
    protected override IReadOnlyDictionary<string, string?> OverriddenSettings { get; } = new Dictionary<string, string?>
    {
        ["Payments:CardSimulator:WebhookSecret"] = "",
        ["Payments:BankTransfer:WebhookSecret"] = "",
        ["Payments:LocalWallet:WebhookSecret"] = "",
        ["Shipping:Carrier:WebhookSecret"] = "",
        ["Reviews:InvitationSigningKey"] = "",
    };
}

[CollectionDefinition(Name)]
public sealed class UnresolvedKeyVaultSecretsCollection : ICollectionFixture<UnresolvedKeyVaultSecretsFixture>
{
    public const string Name = "local shop with unresolved Key Vault secrets";
}

[CollectionDefinition(Name)]
public sealed class MissingSecretsCollection : ICollectionFixture<MissingSecretsFixture>
{
    public const string Name = "local shop with missing secrets";
}

/// <summary>Every webhook that verifies with a secret, signed with whatever the shop holds in place of one.</summary>
public abstract class WebhookSecretsNotConfiguredTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);

    // What an attacker signs with: the setting's text as the app holds it, the reference itself (or nothing when missing).
    private string Held(string setting) => fixture.Shop.Services.GetRequiredService<IConfiguration>()[setting] ?? "";

    public static readonly TheoryData<string, string, string> Webhooks = new()
    {
        { "api/webhooks/payments/local-card-simulator", StripeWebhookReader.SignatureHeader, "Payments:CardSimulator:WebhookSecret" },
        { "api/webhooks/payments/bank-transfer", BankWebhookReader.SignatureHeader, "Payments:BankTransfer:WebhookSecret" },
        { "api/webhooks/payments/local-wallet", LocalWalletSimulator.SignatureHeader, "Payments:LocalWallet:WebhookSecret" },
        { "api/webhooks/carriers/local-carrier", HmacTrackingWebhookReader.SignatureHeader, "Shipping:Carrier:WebhookSecret" },
    };

    private async Task<HttpResponseMessage> SendSignedAsync(string url, string header, string setting, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        // Both schemes are t=...,v1=HMAC("t.body"); Stripe's reader takes the same header form.
        request.Headers.Add(header, header == StripeWebhookReader.SignatureHeader
            ? StripeWebhookReader.Sign(body, Held(setting), DateTimeOffset.UtcNow)
            : HmacWebhookSignature.Sign(body, Held(setting), DateTimeOffset.UtcNow));
        return await _shop.Guest.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Webhooks))]
    public async Task A_webhook_signed_with_what_the_shop_holds_in_place_of_its_secret_is_a_503_and_nothing_is_recorded(string url, string header, string setting)
    {
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var body = JsonSerializer.Serialize(new { id = eventId, type = "payment_intent.succeeded", @object = "event" });

        var response = await SendSignedAsync(url, header, setting, body);

        var problem = await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.ServiceUnavailable);
        problem.GetProperty("type").GetString().ShouldEndWith("/not-configured");
        problem.GetProperty("detail").GetString()!.ShouldContain(setting);
        problem.GetProperty("detail").GetString()!.ShouldNotContain("@Microsoft.KeyVault");
        // Nothing in the inbox: the event id is still new to it, whatever source the route files it under.
        var inbox = fixture.Shop.Services.GetRequiredService<IWebhookInbox>();
        var source = url.Contains("/carriers/", StringComparison.Ordinal) ? "carrier:local-carrier" : "payment:" + url.Split('/')[^1];
        (await inbox.HandleOnceAsync(source, eventId, _ => Task.CompletedTask, CancellationToken.None)).ShouldBeTrue($"{source}:{eventId} was recorded");
    }

    [Fact]
    public async Task A_transfer_for_a_real_order_signed_with_what_the_shop_holds_is_refused_and_the_order_still_waits_for_payment()
    {
        var mug = await _shop.ProductInStockAsync(units: 2, price: 35.00m);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), method: "bankTransfer", token: null);
        var pending = await _shop.AwaitingPaymentAsync(placed);
        var transfer = pending.GetProperty("payment").GetProperty("transfer");
        var body = JsonSerializer.Serialize(new
        {
            id = "evt_" + Guid.NewGuid().ToString("N"), type = BankWebhookReader.TransferReceived, reference = transfer.GetProperty("reference").GetString(),
            amount = transfer.GetProperty("amount").GetProperty("amount").GetDecimal(), currency = "EUR", occurredAt = DateTimeOffset.UtcNow,
        });

        var response = await SendSignedAsync("api/webhooks/payments/bank-transfer", BankWebhookReader.SignatureHeader, "Payments:BankTransfer:WebhookSecret", body);

        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.ServiceUnavailable);
        var after = await _shop.OrderAsync(placed);
        after.GetProperty("status").GetString().ShouldBe("pendingPayment");
        after.GetProperty("history").GetArrayLength().ShouldBe(pending.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Review_links_are_neither_read_nor_accepted_without_the_signing_key_a_503_naming_the_setting()
    {
        // Well-formed, so checking it needs the key; without one nothing signed with a guessable value is accepted.
        foreach (var response in new[]
        {
            await _shop.Guest.GetAsync("api/review-invitations/U1MtMXxwcm9kXzF8OTk5OTk5OTk5OQ.c2lnbmF0dXJl"),
            await _shop.Guest.PostJsonAsync("api/review-invitations/U1MtMXxwcm9kXzF8OTk5OTk5OTk5OQ.c2lnbmF0dXJl/review", new { rating = 5, title = "t", text = "A fine text here.", displayName = "n" }),
        })
        {
            var problem = await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.ServiceUnavailable);
            problem.GetProperty("type").GetString().ShouldEndWith("/not-configured");
            problem.GetProperty("detail").GetString()!.ShouldContain("Reviews:InvitationSigningKey");
            problem.GetProperty("detail").GetString()!.ShouldNotContain("@Microsoft.KeyVault");
        }
    }

    [Fact]
    public async Task Health_is_503_and_names_every_unresolved_secret_without_its_value()
    {
        var response = await _shop.Guest.GetAsync("api/health");

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, text);
        var secrets = JsonDocument.Parse(text).RootElement.GetProperty("dependencies").GetProperty("secrets");
        secrets.GetProperty("status").GetString().ShouldBe("unhealthy");
        foreach (var setting in new[] { "Payments:CardSimulator:WebhookSecret", "Payments:BankTransfer:WebhookSecret", "Payments:LocalWallet:WebhookSecret", "Shipping:Carrier:WebhookSecret", "Reviews:InvitationSigningKey" })
            secrets.GetProperty("detail").GetString()!.ShouldContain(setting);
        text.ShouldNotContain("vault.azure.net");
    }
}

[Collection(UnresolvedKeyVaultSecretsCollection.Name)]
public sealed class UnresolvedKeyVaultWebhookSecretsTests(UnresolvedKeyVaultSecretsFixture fixture)
    : WebhookSecretsNotConfiguredTests(fixture)
{
    [Fact]
    public void The_app_holds_the_references_literal_text_as_app_service_passes_it_on()
    {
        // The premise of the other tests: what they sign with is the reference itself, not an empty or made-up value.
        fixture.Shop.Services.GetRequiredService<IConfiguration>()["Payments:BankTransfer:WebhookSecret"]
            .ShouldBe(UnresolvedKeyVaultSecretsFixture.Reference("bank-webhook-secret"));
    }
}

[Collection(MissingSecretsCollection.Name)]
public sealed class MissingWebhookSecretsTests(MissingSecretsFixture fixture) : WebhookSecretsNotConfiguredTests(fixture);
