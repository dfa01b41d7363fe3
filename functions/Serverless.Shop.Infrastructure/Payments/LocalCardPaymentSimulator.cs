using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Payments;

/// <param name="WebhookSecret">Signs the simulator's webhooks the way Stripe signs its own (a public development value by default).</param>
/// <param name="StateFile">Where the simulated payments survive a restart of the local host; null keeps them in memory (tests).</param>
/// <param name="PageBaseAddress">The root of the local host serving the 3-D Secure page, asked at charge time (the port is known only once it listens).</param>
public sealed record LocalCardSimulatorOptions(string WebhookSecret, string? StateFile, Func<Uri> PageBaseAddress)
{
    public const string DefaultWebhookSecret = "whsec_local_card_simulator_not_a_secret";
}

public enum SimulatedPaymentStatus { Succeeded, Declined, RequiresAction, AuthenticationFailed, Canceled }

/// <summary>One charge the simulator took (or refused), as a test or a developer sees it.</summary>
public sealed record SimulatedPayment(
    string Id, string OrderId, Money Amount, string Card, string IdempotencyKey, SimulatedPaymentStatus Status,
    string? DeclineCode, decimal Refunded, DateTimeOffset CreatedAt, string? ReturnUrl, string? WebhookEventId = null, DateTimeOffset? CompletedAt = null);

public sealed record SimulatedRefund(string Id, string PaymentId, Money Amount, string IdempotencyKey, DateTimeOffset CreatedAt);

/// <summary>A webhook the simulator wants delivered: the Stripe-shaped body and its <c>Stripe-Signature</c> value.</summary>
public sealed record SimulatedWebhook(string EventId, string Body, string Signature, SimulatedPayment Payment);

/// <summary>
/// A card gateway for running the shop without Stripe. The test cards are Stripe's documented ones, as a PaymentMethod
/// id (what Stripe.js gives the storefront) or as the card number:
/// <list type="bullet">
/// <item><c>pm_card_visa</c>, 4242 4242 4242 4242: captured.</item>
/// <item><c>pm_card_chargeDeclined</c>, 4000 0000 0000 0002: declined, <c>card_declined</c>.</item>
/// <item><c>pm_card_chargeDeclinedInsufficientFunds</c>, 4000 0000 0000 9995: declined, <c>insufficient_funds</c>.</item>
/// <item><c>pm_card_authenticationRequired</c>, 4000 0025 0000 3155: 3-D Secure. The shopper is sent to the local host's
/// page (<see cref="AuthenticationPagePath"/>); pressing "authenticate" or "fail" there sends a signed
/// <c>payment_intent.succeeded</c> or <c>payment_intent.payment_failed</c> webhook, exactly as Stripe would.</item>
/// </list>
/// Anything else is declined as <c>invalid_payment_method</c> (Stripe does not know it either).
/// </summary>
/// <remarks>
/// Like Stripe, a charge or refund with an idempotency key seen before returns the first result and creates nothing;
/// the same key with other parameters is refused. Every charge is recorded (<see cref="Payments"/>) so tests can check a
/// payment was taken exactly once. The simulated bank's records are its own, never the shop's data: in memory, and in a
/// JSON file under the local data directory when <see cref="LocalCardSimulatorOptions.StateFile"/> is set, so a
/// payment waiting for 3-D Secure and the idempotency of keys survive a restart of the local host.
/// </remarks>
public sealed class LocalCardPaymentSimulator : IPaymentGateway, IPaymentSearch
{
    public const string ProviderName = "local-card-simulator";

    /// <summary>The 3-D Secure page is at <c>/{AuthenticationPagePath}/{paymentId}</c> on the local host.</summary>
    public const string AuthenticationPagePath = "simulators/card/3ds";

    private static readonly IReadOnlyDictionary<string, TestCard> TestCards = new Dictionary<string, TestCard>(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = TestCard.Succeeds,
        ["4242424242424242"] = TestCard.Succeeds,
        ["pm_card_chargeDeclined"] = TestCard.Declined,
        ["4000000000000002"] = TestCard.Declined,
        ["pm_card_chargeDeclinedInsufficientFunds"] = TestCard.InsufficientFunds,
        ["4000000000009995"] = TestCard.InsufficientFunds,
        ["pm_card_authenticationRequired"] = TestCard.NeedsAuthentication,
        ["4000002500003155"] = TestCard.NeedsAuthentication,
    };

    private readonly LocalCardSimulatorOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<LocalCardPaymentSimulator> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly State _state;

    public LocalCardPaymentSimulator(LocalCardSimulatorOptions options, TimeProvider clock, ILogger<LocalCardPaymentSimulator> logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        _state = Load(options.StateFile);
    }

    public string Provider => ProviderName;
    public PaymentMethod Method => PaymentMethod.Card;

    /// <summary>Every charge taken or refused, oldest first.</summary>
    public IReadOnlyList<SimulatedPayment> Payments => Locked(() => _state.Payments.ToList());

    public IReadOnlyList<SimulatedRefund> Refunds => Locked(() => _state.Refunds.ToList());

    public SimulatedPayment? Find(string paymentId) => Locked(() => _state.Payments.FirstOrDefault(p => p.Id == paymentId));

    /// <summary>The payments taken or tried for an order, as Stripe's search by the order number in metadata finds them.</summary>
    public Task<IReadOnlyList<FoundPayment>> FindByOrderAsync(string orderNumber, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        IReadOnlyList<FoundPayment> found = Locked(() => _state.Payments.Where(p => p.OrderId == orderNumber)
            .Select(p => new FoundPayment(ProviderName, p.Id, p.OrderId, p.Amount, p.Status == SimulatedPaymentStatus.Succeeded, p.CreatedAt)).ToList());
        return Task.FromResult(found);
    }

    public async Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != PaymentMethod.Card) throw new ArgumentException($"The card simulator takes card payments, not {request.Method}.", nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.IdempotencyKey);
        if (request.Amount.Amount <= 0) throw new ArgumentOutOfRangeException(nameof(request), request.Amount, "A charge must be greater than zero.");
        var card = Normalise(request.PaymentToken);

        await _gate.WaitAsync(ct);
        try
        {
            if (_state.Payments.FirstOrDefault(p => p.IdempotencyKey == request.IdempotencyKey) is { } earlier)
            {
                if (earlier.OrderId != request.OrderId || earlier.Amount != request.Amount || earlier.Card != card)
                    throw IdempotencyMismatch();
                return FirstResultOf(earlier);
            }

            if (!TestCards.TryGetValue(card, out var behaviour))
                return new PaymentResult(PaymentOutcome.Declined, ProviderName, null, "invalid_payment_method",
                    "This payment method cannot be used; please enter your card again.");

            var (status, declineCode) = behaviour switch
            {
                TestCard.Succeeds => (SimulatedPaymentStatus.Succeeded, null),
                TestCard.Declined => (SimulatedPaymentStatus.Declined, "card_declined"),
                TestCard.InsufficientFunds => (SimulatedPaymentStatus.Declined, "insufficient_funds"),
                _ => (SimulatedPaymentStatus.RequiresAction, (string?)null),
            };
            var payment = new SimulatedPayment(Ids.New("pi_sim"), request.OrderId, request.Amount, card, request.IdempotencyKey, status,
                declineCode, 0m, _clock.GetUtcNow(), request.ReturnUrl);
            _state.Payments.Add(payment);
            await SaveAsync(ct);
            _logger.LogInformation("Card simulator: payment {PaymentId} of {Amount} for order {OrderId} is {Status}.", payment.Id, payment.Amount, payment.OrderId, status);
            return FirstResultOf(payment);
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Refunds part or all of a captured payment, never more than is left of it. A payment that took no money (waiting
    /// for 3-D Secure, declined, failed authentication) is cancelled instead and answers a refund of zero, as the Stripe
    /// gateway does.
    /// </summary>
    /// <exception cref="ThirdPartyCallFailedException">400 as Stripe answers it: more than is left, another currency, a key reused for another refund; 404 for an unknown payment.</exception>
    public async Task<RefundResult> RefundAsync(string paymentId, Money amount, string idempotencyKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(paymentId);
        ArgumentNullException.ThrowIfNull(amount);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (amount.Amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount), amount, "A refund must be greater than zero.");

        await _gate.WaitAsync(ct);
        try
        {
            if (_state.Refunds.FirstOrDefault(r => r.IdempotencyKey == idempotencyKey) is { } earlier)
                return earlier.PaymentId == paymentId && earlier.Amount == amount ? new RefundResult(earlier.Id, earlier.Amount) : throw IdempotencyMismatch();

            var index = _state.Payments.FindIndex(p => p.Id == paymentId);
            if (index < 0) throw new ThirdPartyCallFailedException(ProviderName, HttpStatusCode.NotFound, $"resource_missing: No such payment_intent: '{paymentId}'.");
            var payment = _state.Payments[index];
            if (payment.Amount.Currency != amount.Currency)
                throw new ThirdPartyCallFailedException(ProviderName, HttpStatusCode.BadRequest, $"invalid_request_error: payment {paymentId} is in {payment.Amount.Currency}, not {amount.Currency}.");

            if (payment.Status != SimulatedPaymentStatus.Succeeded)
            {
                if (payment.Status != SimulatedPaymentStatus.Canceled)
                {
                    _state.Payments[index] = payment with { Status = SimulatedPaymentStatus.Canceled, CompletedAt = payment.CompletedAt ?? _clock.GetUtcNow() };
                    await SaveAsync(ct);
                    _logger.LogInformation("Card simulator: cancelled payment {PaymentId}, which had taken no money.", paymentId);
                }
                return new RefundResult(payment.Id, new Money(0m, amount.Currency));
            }

            var left = payment.Amount.Amount - payment.Refunded;
            if (amount.Amount > left)
                throw new ThirdPartyCallFailedException(ProviderName, HttpStatusCode.BadRequest,
                    $"amount_too_large: Refund amount ({amount}) is greater than unrefunded amount on the payment ({new Money(left, amount.Currency)}).");

            var refund = new SimulatedRefund(Ids.New("re_sim"), paymentId, amount, idempotencyKey, _clock.GetUtcNow());
            _state.Refunds.Add(refund);
            _state.Payments[index] = payment with { Refunded = payment.Refunded + amount.Amount };
            await SaveAsync(ct);
            _logger.LogInformation("Card simulator: refunded {Amount} of payment {PaymentId}.", amount, paymentId);
            return new RefundResult(refund.Id, refund.Amount);
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// The shopper pressed "authenticate" (<paramref name="authenticated"/>) or "fail" on the 3-D Secure page: settles the
    /// payment and gives the signed webhook to deliver. Pressed again, it gives the same event again (same id, fresh
    /// signature), whichever button: the first answer counts, and the shop's inbox ignores the repeat.
    /// </summary>
    /// <exception cref="ResourceNotFoundException">No such payment.</exception>
    /// <exception cref="BusinessRuleViolationException">The payment needs no authentication, or the shop cancelled it meanwhile.</exception>
    public async Task<SimulatedWebhook> CompleteAuthenticationAsync(string paymentId, bool authenticated, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var index = _state.Payments.FindIndex(p => p.Id == paymentId);
            if (index < 0) throw new ResourceNotFoundException("Payment", paymentId);
            var payment = _state.Payments[index];
            if (payment.WebhookEventId is null)
            {
                if (payment.Status != SimulatedPaymentStatus.RequiresAction)
                    throw new BusinessRuleViolationException(payment.Status == SimulatedPaymentStatus.Canceled
                        ? $"Payment {paymentId} was cancelled by the shop; there is nothing to authenticate."
                        : $"Payment {paymentId} needs no authentication (it is {payment.Status}).");
                payment = payment with
                {
                    Status = authenticated ? SimulatedPaymentStatus.Succeeded : SimulatedPaymentStatus.AuthenticationFailed,
                    WebhookEventId = Ids.New("evt_sim"),
                    CompletedAt = _clock.GetUtcNow(),
                };
                _state.Payments[index] = payment;
                await SaveAsync(ct);
                _logger.LogInformation("Card simulator: 3-D Secure for payment {PaymentId} {Result}.", paymentId, authenticated ? "passed" : "failed");
            }

            var body = EventBody(payment);
            return new SimulatedWebhook(payment.WebhookEventId!, body, StripeWebhookReader.Sign(body, _options.WebhookSecret, _clock.GetUtcNow()), payment);
        }
        finally { _gate.Release(); }
    }

    private PaymentResult FirstResultOf(SimulatedPayment payment) => TestCards[payment.Card] switch
    {
        TestCard.Succeeds => new PaymentResult(PaymentOutcome.Captured, ProviderName, payment.Id),
        TestCard.Declined => new PaymentResult(PaymentOutcome.Declined, ProviderName, payment.Id, "card_declined", "Your card was declined."),
        TestCard.InsufficientFunds => new PaymentResult(PaymentOutcome.Declined, ProviderName, payment.Id, "insufficient_funds", "Your card has insufficient funds."),
        _ => new PaymentResult(PaymentOutcome.ActionRequired, ProviderName, payment.Id, Message: "Confirm the payment with your bank.",
            RedirectUrl: new Uri(_options.PageBaseAddress(), $"{AuthenticationPagePath}/{payment.Id}").ToString()),
    };

    /// <summary>A Stripe event as Stripe sends it, with the fields the shop reads (and Stripe.net needs to parse it).</summary>
    private static string EventBody(SimulatedPayment payment)
    {
        var succeeded = payment.Status == SimulatedPaymentStatus.Succeeded;
        var minor = StripeCardGateway.MinorUnits(payment.Amount);
        var intent = new JsonObject
        {
            ["id"] = payment.Id,
            ["object"] = "payment_intent",
            ["amount"] = minor,
            ["amount_received"] = succeeded ? minor : 0,
            ["currency"] = payment.Amount.Currency.ToLowerInvariant(),
            ["capture_method"] = "automatic",
            ["status"] = succeeded ? "succeeded" : "requires_payment_method",
            ["created"] = payment.CreatedAt.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["metadata"] = new JsonObject { [StripeWebhookReader.OrderIdMetadataKey] = payment.OrderId },
        };
        if (!succeeded)
            intent["last_payment_error"] = new JsonObject
            {
                ["type"] = "card_error",
                ["code"] = "payment_intent_authentication_failure",
                ["message"] = "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
            };
        var stripeEvent = new JsonObject
        {
            ["id"] = payment.WebhookEventId,
            ["object"] = "event",
            ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
            ["created"] = payment.CompletedAt!.Value.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["type"] = succeeded ? "payment_intent.succeeded" : "payment_intent.payment_failed",
            ["data"] = new JsonObject { ["object"] = intent },
        };
        return stripeEvent.ToJsonString();
    }

    private static ThirdPartyCallFailedException IdempotencyMismatch() => new(ProviderName, HttpStatusCode.BadRequest,
        "idempotency_error: Keys for idempotent requests can only be used with the same parameters they were first used with.");

    /// <summary>Card numbers as typed (spaces, dashes) become digits; PaymentMethod ids stay as they are.</summary>
    private static string Normalise(string? token)
    {
        if (string.IsNullOrWhiteSpace(token)) return "";
        var trimmed = token.Trim();
        var digits = new string(trimmed.Where(c => c is not (' ' or '-')).ToArray());
        return digits.All(char.IsAsciiDigit) ? digits : trimmed;
    }

    private T Locked<T>(Func<T> read)
    {
        _gate.Wait();
        try { return read(); }
        finally { _gate.Release(); }
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        if (_options.StateFile is not { } file) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        // Written aside, then moved over the old file: a crash mid-write never leaves half a file.
        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(_state, ShopJson.Options), ct);
        File.Move(temporary, file, overwrite: true);
    }

    private static State Load(string? file)
    {
        if (file is null || !File.Exists(file)) return new State();
        return JsonSerializer.Deserialize<State>(File.ReadAllText(file), ShopJson.Options)
            ?? throw new InvalidOperationException($"The card simulator's state file {file} is empty; delete it to start afresh.");
    }

    private enum TestCard { Succeeds, Declined, InsufficientFunds, NeedsAuthentication }

    private sealed class State
    {
        public List<SimulatedPayment> Payments { get; init; } = [];
        public List<SimulatedRefund> Refunds { get; init; } = [];
    }
}
