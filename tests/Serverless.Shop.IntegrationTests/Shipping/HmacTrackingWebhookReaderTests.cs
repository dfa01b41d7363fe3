using Serverless.Shop.Infrastructure.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>The local carrier's webhook signature: nothing in a body is trusted until its signature checks out.</summary>
public sealed class HmacTrackingWebhookReaderTests
{
    private const string Secret = "whsec_test_0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    private const string Body =
        """{"id":"lcevt_1","trackingNumber":"LC0123456789ABCDEF0123","orderId":"ord_42","status":"inTransit","occurredAt":"2025-03-14T09:29:00+00:00","description":"Left the depot."}""";

    private readonly HmacTrackingWebhookReader _reader = new("local-carrier", Secret, new StoppedClock(Now));

    private static Dictionary<string, string> Signed(string body, DateTimeOffset? at = null, string secret = Secret) =>
        new() { ["X-Carrier-Signature"] = HmacWebhookSignature.Sign(body, secret, at ?? Now) };

    private Task<TrackingEvent?> Read(IReadOnlyDictionary<string, string> headers, string body = Body) => _reader.ReadAsync(headers, body, CancellationToken.None);

    [Fact]
    public async Task A_correctly_signed_update_is_read()
    {
        var update = await Read(Signed(Body));

        update.ShouldBe(new TrackingEvent("lcevt_1", "local-carrier", "LC0123456789ABCDEF0123", "ord_42", TrackingStatus.InTransit,
            new DateTimeOffset(2025, 3, 14, 9, 29, 0, TimeSpan.Zero), "Left the depot."));
    }

    [Fact]
    public void The_signature_is_the_hex_hmac_sha256_of_the_timestamp_a_dot_and_the_body()
    {
        var seconds = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{seconds}.{Body}")));

        HmacWebhookSignature.Sign(Body, Secret, Now).ShouldBe($"t={seconds},v1={expected}");
    }

    [Fact]
    public async Task The_header_name_is_matched_without_regard_to_case()
    {
        var headers = new Dictionary<string, string> { ["x-carrier-signature"] = Signed(Body)["X-Carrier-Signature"] };

        (await Read(headers)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_missing_signature_is_refused()
    {
        (await Should.ThrowAsync<WebhookSignatureException>(() => Read(new Dictionary<string, string>()))).Message.ShouldContain("missing");
        await Should.ThrowAsync<WebhookSignatureException>(() => Read(new Dictionary<string, string> { ["X-Carrier-Signature"] = "" }));
    }

    [Theory]
    [InlineData("v1=abcdef")]
    [InlineData("t=1741944600")]
    [InlineData("t=yesterday,v1=abcdef")]
    [InlineData("t=-5,v1=abcdef")]
    [InlineData("garbage")]
    public async Task A_malformed_signature_header_is_refused(string header)
    {
        await Should.ThrowAsync<WebhookSignatureException>(() => Read(new Dictionary<string, string> { ["X-Carrier-Signature"] = header }));
    }

    [Fact]
    public async Task A_signature_made_with_another_secret_is_refused()
    {
        (await Should.ThrowAsync<WebhookSignatureException>(() => Read(Signed(Body, secret: "whsec_someone_else_entirely")))).Message.ShouldContain("does not match");
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused()
    {
        var headers = Signed(Body);

        await Should.ThrowAsync<WebhookSignatureException>(() => Read(headers, Body.Replace("inTransit", "delivered", StringComparison.Ordinal)));
        await Should.ThrowAsync<WebhookSignatureException>(() => Read(headers, Body + " "));
    }

    [Fact]
    public async Task A_signature_whose_timestamp_was_changed_is_refused()
    {
        var signature = Signed(Body, Now.AddMinutes(-10))["X-Carrier-Signature"];
        var replayed = "t=" + Now.ToUnixTimeSeconds() + signature[signature.IndexOf(',', StringComparison.Ordinal)..];

        await Should.ThrowAsync<WebhookSignatureException>(() => Read(new Dictionary<string, string> { ["X-Carrier-Signature"] = replayed }));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(-3600)]
    [InlineData(301)]
    public async Task A_signature_more_than_five_minutes_old_or_ahead_is_refused(int seconds)
    {
        (await Should.ThrowAsync<WebhookSignatureException>(() => Read(Signed(Body, Now.AddSeconds(seconds))))).Message.ShouldContain("5 minutes");
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(-60)]
    [InlineData(60)]
    public async Task A_signature_within_five_minutes_is_accepted(int seconds)
    {
        (await Read(Signed(Body, Now.AddSeconds(seconds)))).ShouldNotBeNull();
    }

    [Fact]
    public async Task While_the_secret_is_rotated_one_matching_signature_among_several_is_enough()
    {
        var good = Signed(Body)["X-Carrier-Signature"];
        var old = Signed(Body, secret: "whsec_the_previous_secret")["X-Carrier-Signature"];
        var both = $"{good},{old[old.IndexOf("v1=", StringComparison.Ordinal)..]}";
        var reversed = $"{old},{good[good.IndexOf("v1=", StringComparison.Ordinal)..]}";

        (await Read(new Dictionary<string, string> { ["X-Carrier-Signature"] = both })).ShouldNotBeNull();
        (await Read(new Dictionary<string, string> { ["X-Carrier-Signature"] = reversed })).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_signature_of_the_wrong_length_or_not_hex_is_refused()
    {
        var seconds = Now.ToUnixTimeSeconds();
        await Should.ThrowAsync<WebhookSignatureException>(() => Read(new Dictionary<string, string> { ["X-Carrier-Signature"] = $"t={seconds},v1=abc" }));
        await Should.ThrowAsync<WebhookSignatureException>(() => Read(new Dictionary<string, string> { ["X-Carrier-Signature"] = $"t={seconds},v1={new string('z', 64)}" }));
    }

    [Theory]
    [InlineData("teleported")]
    [InlineData("3")]
    [InlineData("in_transit")]
    public async Task A_signed_update_with_a_status_the_shop_does_not_know_is_acknowledged_and_ignored(string status)
    {
        var body = Body.Replace("inTransit", status, StringComparison.Ordinal);

        (await Read(Signed(body), body)).ShouldBeNull();
    }

    [Theory]
    [InlineData("labelCreated", TrackingStatus.LabelCreated)]
    [InlineData("outForDelivery", TrackingStatus.OutForDelivery)]
    [InlineData("delivered", TrackingStatus.Delivered)]
    [InlineData("deliveryFailed", TrackingStatus.DeliveryFailed)]
    [InlineData("returnedToSender", TrackingStatus.ReturnedToSender)]
    public async Task Every_tracking_status_is_read(string spelled, TrackingStatus status)
    {
        var body = Body.Replace("inTransit", spelled, StringComparison.Ordinal);

        (await Read(Signed(body), body))!.Status.ShouldBe(status);
        HmacTrackingWebhookReader.Spell(status).ShouldBe(spelled);
    }

    [Theory]
    [InlineData("""{"trackingNumber":"LC1","orderId":"ord_42","status":"delivered","occurredAt":"2025-03-14T09:29:00Z"}""", "id")]
    [InlineData("""{"id":"lcevt_1","orderId":"ord_42","status":"delivered","occurredAt":"2025-03-14T09:29:00Z"}""", "trackingNumber")]
    [InlineData("""{"id":"lcevt_1","trackingNumber":"LC1","orderId":"ord 42","status":"delivered","occurredAt":"2025-03-14T09:29:00Z"}""", "orderId")]
    [InlineData("""{"id":"lcevt_1","trackingNumber":"LC1","orderId":"ord_42","occurredAt":"2025-03-14T09:29:00Z"}""", "status")]
    [InlineData("""{"id":"lcevt_1","trackingNumber":"LC1","orderId":"ord_42","status":"delivered"}""", "occurredAt")]
    [InlineData("""{"id":"lcevt_1","trackingNumber":"LC1","orderId":"ord_42","status":"delivered","occurredAt":"last tuesday"}""", "body")]
    [InlineData("""not json""", "body")]
    [InlineData("""null""", "body")]
    public async Task A_signed_body_that_is_not_a_tracking_update_is_refused_naming_the_field(string body, string field)
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Read(Signed(body), body));

        failure.Errors.Keys.ShouldContain(field);
    }

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
