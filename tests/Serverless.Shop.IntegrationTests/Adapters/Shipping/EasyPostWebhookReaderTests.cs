using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.IntegrationTests.Adapters.Shipping;

/// <summary>EasyPost's webhook scheme: X-Hmac-Signature over the raw body; tracker events become tracking updates of this shop's parcels only.</summary>
public sealed class EasyPostWebhookReaderTests
{
    private const string Secret = "easypost-webhook-secret-for-tests";

    private static readonly Dictionary<string, EasyPostParcel> Parcels = new() { [EasyPostDouble.TrackingCode] = new("ord_easypost_1", EasyPostDouble.ShipmentId) };

    private static EasyPostWebhookReader Reader(string secret = Secret) =>
        new(SecretSetting.Of("the EasyPost webhook secret", secret), (code, _) => Task.FromResult(Parcels.GetValueOrDefault(code)));

    private static Dictionary<string, string> Signed(string body, string secret = Secret) => new() { [EasyPostWebhookReader.SignatureHeader] = EasyPostWebhookReader.Sign(body, secret) };

    [Fact]
    public async Task A_signed_tracker_event_is_the_parcel_s_tracking_update()
    {
        var body = EasyPostDouble.TrackerEvent("evt_001", "out_for_delivery");

        var update = await Reader().ReadAsync(Signed(body), body, CancellationToken.None);

        update.ShouldBe(new TrackingEvent("evt_001", "easypost", EasyPostDouble.TrackingCode, "ord_easypost_1", TrackingStatus.OutForDelivery,
            DateTimeOffset.Parse("2026-12-02T08:15:00Z"), "The parcel moved on: out_for_delivery"));
    }

    [Fact]
    public void The_signature_is_the_hex_hmac_of_the_body_keyed_with_the_nfkd_normalised_secret()
    {
        // "ﬁ" (U+FB01) normalises to "fi" under NFKD: both secrets must sign alike, as EasyPost's libraries do.
        EasyPostWebhookReader.Sign("{}", "pro\uFB01le-secret").ShouldBe(EasyPostWebhookReader.Sign("{}", "profile-secret"));
        EasyPostWebhookReader.Sign("{}", "k").ShouldBe("hmac-sha256-hex=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("k"u8, "{}"u8)));
    }

    [Fact]
    public async Task A_wrong_missing_or_tampered_signature_is_refused()
    {
        var body = EasyPostDouble.TrackerEvent("evt_002", "delivered");

        await Should.ThrowAsync<WebhookSignatureException>(() => Reader().ReadAsync(Signed(body, "another-shop-s-secret-entirely"), body, CancellationToken.None));
        await Should.ThrowAsync<WebhookSignatureException>(() => Reader().ReadAsync(new Dictionary<string, string>(), body, CancellationToken.None));
        await Should.ThrowAsync<WebhookSignatureException>(() => Reader().ReadAsync(Signed(body), body.Replace("delivered", "returned"), CancellationToken.None));
    }

    [Fact]
    public async Task A_parcel_this_shop_did_not_buy_and_an_event_that_is_not_tracking_are_acknowledged_and_ignored()
    {
        var otherShop = EasyPostDouble.TrackerEvent("evt_003", "delivered", trackingCode: "1Z999AA10123456784");
        var batch = EasyPostDouble.TrackerEvent("evt_004", "delivered", description: "batch.updated");
        var unknownStatus = EasyPostDouble.TrackerEvent("evt_005", "unknown");

        (await Reader().ReadAsync(Signed(otherShop), otherShop, CancellationToken.None)).ShouldBeNull();
        (await Reader().ReadAsync(Signed(batch), batch, CancellationToken.None)).ShouldBeNull();
        (await Reader().ReadAsync(Signed(unknownStatus), unknownStatus, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task A_signed_body_that_is_not_an_event_is_bad_input()
    {
        const string body = "not json";

        await Should.ThrowAsync<ValidationFailedException>(() => Reader().ReadAsync(Signed(body), body, CancellationToken.None));
    }

    [Fact]
    public async Task An_unresolved_secret_refuses_every_webhook_as_not_configured()
    {
        var body = EasyPostDouble.TrackerEvent("evt_006", "delivered");
        var reference = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/carrier-webhook-secret)";

        await Should.ThrowAsync<NotConfiguredException>(() => Reader(reference).ReadAsync(Signed(body, reference), body, CancellationToken.None));
    }
}
