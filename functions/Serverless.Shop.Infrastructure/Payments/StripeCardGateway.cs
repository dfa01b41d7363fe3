using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;
using Stripe;
using PaymentMethod = Serverless.Shop.Domain.Payments.PaymentMethod;

namespace Serverless.Shop.Infrastructure.Payments;

/// <summary>
/// Card payments through Stripe's PaymentIntents API: one PaymentIntent per charge, created and confirmed in one call
/// with the PaymentMethod the storefront got from Stripe.js, captured automatically.
/// </summary>
/// <remarks>
/// <para>Every call goes through the shop's one resilience pipeline (<see cref="ThirdPartyResilience"/>) and Stripe.net's
/// own retries are off, so there is one retry policy. Each attempt of a call sends the same Idempotency-Key, so Stripe
/// answers a retry with the first attempt's result and never charges twice.</para>
/// <para>3-D Secure: the PaymentIntent is confirmed with the shop's return URL, so Stripe asks for a redirect
/// (<c>next_action.redirect_to_url</c>) rather than for Stripe.js (<c>use_stripe_sdk</c>), which would need a client
/// secret the shop does not hand out. A card payment therefore needs <see cref="PaymentRequest.ReturnUrl"/>.</para>
/// </remarks>
public sealed class StripeCardGateway(IStripeClient client, ResiliencePipeline resilience, ILogger<StripeCardGateway> logger) : IPaymentGateway, IPaymentSearch
{
    public const string ProviderName = "stripe";
    public const string ServiceName = "Stripe";

    /// <summary>Stripe's answer when the same idempotency key is still being processed, with <c>Stripe-Should-Retry: true</c>.</summary>
    private const string ShouldRetryHeader = "Stripe-Should-Retry";

    private readonly PaymentIntentService _intents = new(client);
    private readonly RefundService _refunds = new(client);

    public string Provider => ProviderName;
    public PaymentMethod Method => PaymentMethod.Card;

    /// <summary>A client for Stripe's API at <paramref name="apiBase"/> (Stripe's own when null; a test double's in tests).</summary>
    public static StripeClient CreateClient(string secretKey, string? apiBase)
    {
        // One long-lived HttpClient (the gateway is a singleton); no timeout of its own, the pipeline times each attempt out.
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        // maxNetworkRetries 0: the resilience pipeline is the one retry policy.
        var stripeHttp = new SystemNetHttpClient(http, maxNetworkRetries: 0, appInfo: null, enableTelemetry: false);
        return new StripeClient(secretKey, httpClient: stripeHttp, apiBase: string.IsNullOrWhiteSpace(apiBase) ? null : apiBase.TrimEnd('/'));
    }

    public async Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != PaymentMethod.Card) throw new ArgumentException($"Stripe takes card payments here, not {request.Method}.", nameof(request));
        if (string.IsNullOrWhiteSpace(request.PaymentToken))
            throw new ArgumentException("A card payment needs the PaymentMethod id (pm_...) the storefront got from Stripe.js.", nameof(request));
        if (string.IsNullOrWhiteSpace(request.ReturnUrl))
            throw new ArgumentException("A card payment needs a return URL: 3-D Secure sends the shopper back to it.", nameof(request));

        var options = new PaymentIntentCreateOptions
        {
            Amount = MinorUnits(request.Amount),
            Currency = request.Amount.Currency.ToLowerInvariant(),
            PaymentMethod = request.PaymentToken,
            AllowedPaymentMethodTypes = ["card"],
            Confirm = true,
            ReturnUrl = request.ReturnUrl,
            CaptureMethod = "automatic",
            Description = $"Order {request.OrderId}",
            Metadata = new Dictionary<string, string> { [StripeWebhookReader.OrderIdMetadataKey] = request.OrderId },
        };

        var result = await resilience.ExecuteAsync(async token =>
        {
            try
            {
                var intent = await _intents.CreateAsync(options, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, token);
                return FromIntent(intent);
            }
            catch (StripeException e) when (IsRefusal(e))
            {
                return Declined(e.StripeError, e.StripeError.PaymentIntent?.Id);
            }
            catch (StripeException e)
            {
                throw Failure(e);
            }
        }, ct);

        logger.LogInformation("Stripe card payment for order {OrderId}: {Outcome} ({PaymentId}{DeclineCode}).",
            request.OrderId, result.Outcome, result.PaymentId ?? "no payment", result.DeclineCode is null ? "" : ", " + result.DeclineCode);
        return result;
    }

    /// <summary>
    /// Refunds <paramref name="amount"/> of a succeeded PaymentIntent. A PaymentIntent that took no money (still waiting
    /// for 3-D Secure, declined, or not yet confirmed) is cancelled instead: Stripe refuses to refund it, and cancelling
    /// is what voids it. Which one applies is decided by reading the PaymentIntent's status first (one extra GET, but no
    /// guessing from error texts). A cancel answers <c>RefundResult(paymentIntentId, 0)</c>: no money moved.
    /// </summary>
    /// <exception cref="InvalidOperationException">The PaymentIntent is still <c>processing</c>: neither refundable nor cancellable yet; try later.</exception>
    public async Task<RefundResult> RefundAsync(string paymentId, Money amount, string idempotencyKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(paymentId);
        ArgumentNullException.ThrowIfNull(amount);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (amount.Amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount), amount, "A refund must be greater than zero.");

        var intent = await CallAsync(token => _intents.GetAsync(paymentId, cancellationToken: token), ct);
        if (!string.Equals(intent.Currency, amount.Currency, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Payment {paymentId} is in {intent.Currency.ToUpperInvariant()}, not {amount.Currency}.", nameof(amount));
        var nothing = new RefundResult(intent.Id, new Money(0m, amount.Currency));

        switch (intent.Status)
        {
            case "succeeded":
                var refund = await CallAsync(token => _refunds.CreateAsync(
                    new RefundCreateOptions { PaymentIntent = paymentId, Amount = MinorUnits(amount), Metadata = OrderMetadata(intent) },
                    new RequestOptions { IdempotencyKey = idempotencyKey }, token), ct);
                logger.LogInformation("Refunded {Amount} of Stripe payment {PaymentId} ({RefundId}).", amount, paymentId, refund.Id);
                return new RefundResult(refund.Id, FromMinorUnits(refund.Amount, amount.Currency));

            case "canceled":
                return nothing;

            case "requires_payment_method" or "requires_confirmation" or "requires_action" or "requires_capture":
                // Its own key: a cancel and a refund are different requests to Stripe, and one key must not name both.
                await CallAsync(token => _intents.CancelAsync(paymentId, new PaymentIntentCancelOptions(),
                    new RequestOptions { IdempotencyKey = idempotencyKey + ":cancel" }, token), ct);
                logger.LogInformation("Cancelled Stripe payment {PaymentId}, which had taken no money (it was {Status}).", paymentId, intent.Status);
                return nothing;

            default:
                throw new InvalidOperationException($"Stripe payment {paymentId} is {intent.Status}: it can be neither refunded nor cancelled yet; try again later.");
        }
    }

    /// <summary>
    /// The PaymentIntents whose metadata names the order (<see cref="StripeWebhookReader.OrderIdMetadataKey"/>, set by
    /// <see cref="ChargeAsync"/>), through Stripe's search API. Stripe's search index may lag a new PaymentIntent by up to
    /// a minute, which is why reconciliation asks only about orders pending a while.
    /// </summary>
    public async Task<IReadOnlyList<FoundPayment>> FindByOrderAsync(string orderNumber, CancellationToken ct)
    {
        // The number goes inside the query's quotes: only characters that need no escaping there are let through.
        if (string.IsNullOrWhiteSpace(orderNumber) || !orderNumber.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException("An order number has letters, digits and dashes only.", nameof(orderNumber));
        var options = new PaymentIntentSearchOptions { Query = $"metadata['{StripeWebhookReader.OrderIdMetadataKey}']:'{orderNumber}'", Limit = 20 };
        var found = await CallAsync(token => _intents.SearchAsync(options, cancellationToken: token), ct);
        return found.Data.Select(intent => new FoundPayment(ProviderName, intent.Id,
            intent.Metadata?.GetValueOrDefault(StripeWebhookReader.OrderIdMetadataKey) ?? orderNumber,
            FromMinorUnits(intent.Status == "succeeded" && intent.AmountReceived > 0 ? intent.AmountReceived : intent.Amount, intent.Currency),
            intent.Status == "succeeded", new DateTimeOffset(DateTime.SpecifyKind(intent.Created, DateTimeKind.Utc)))).ToList();
    }

    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        await resilience.ExecuteAsync(async token =>
        {
            try { return await call(token); }
            catch (StripeException e) { throw Failure(e); }
        }, ct);

    private static PaymentResult FromIntent(PaymentIntent intent) => intent.Status switch
    {
        "succeeded" => new PaymentResult(PaymentOutcome.Captured, ProviderName, intent.Id),
        "requires_action" when intent.NextAction?.RedirectToUrl?.Url is { Length: > 0 } url =>
            new PaymentResult(PaymentOutcome.ActionRequired, ProviderName, intent.Id, Message: "Confirm the payment with your bank.", RedirectUrl: url),
        "requires_action" => throw new InvalidOperationException(
            $"Stripe asked for '{intent.NextAction?.Type}' on payment {intent.Id}; the shop only hands redirects to shoppers."),
        // Rare for cards; the outcome comes by webhook (payment_intent.succeeded or payment_failed) like after 3-D Secure.
        "processing" => new PaymentResult(PaymentOutcome.ActionRequired, ProviderName, intent.Id, Message: "The payment is being processed."),
        "requires_payment_method" when intent.LastPaymentError is { } error => Declined(error, intent.Id),
        _ => throw new InvalidOperationException($"Stripe answered with payment {intent.Id} in state '{intent.Status}', which a confirmed card payment should not be in."),
    };

    /// <summary>
    /// The shopper's card or payment method was refused: a card error (402), or a payment method Stripe does not know or
    /// cannot use (400 on the <c>payment_method</c> parameter). Asking again gives the same answer; the shopper must act.
    /// </summary>
    private static bool IsRefusal(StripeException e) => e.StripeError is { } error
        && (error.Type == "card_error" || (error.Type == "invalid_request_error" && error.Param == "payment_method"));

    private static PaymentResult Declined(StripeError error, string? paymentIntentId)
    {
        // "generic_decline" says nothing more than card_declined; a specific issuer reason (insufficient_funds ...) does.
        var code = error.Type == "invalid_request_error"
            ? "invalid_payment_method"
            : error.DeclineCode is { Length: > 0 } decline && decline != "generic_decline" ? decline : error.Code ?? "card_declined";
        var message = error.Type == "invalid_request_error"
            ? "This payment method cannot be used; please enter your card again."
            : string.IsNullOrWhiteSpace(error.Message) ? "Your card was declined." : error.Message;
        return new PaymentResult(PaymentOutcome.Declined, ProviderName, paymentIntentId, code, message);
    }

    /// <summary>A failure the pipeline can judge: Stripe's status, its error type and code, and its advice to retry.</summary>
    private static Exception Failure(StripeException e)
    {
        var status = e.HttpStatusCode == 0 ? (HttpStatusCode?)null : e.HttpStatusCode;
        var detail = e.StripeError is { } error
            ? $"{error.Type}{(error.Code is null ? "" : "/" + error.Code)}: {error.Message}"
            : e.Message;
        var headers = e.StripeResponse?.Headers;
        if (headers is not null && headers.TryGetValues(ShouldRetryHeader, out var advice) && advice.Contains("true", StringComparer.OrdinalIgnoreCase)
            && status is { } answered && (int)answered < 500 && answered is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
        {
            // E.g. 409 idempotency_key_in_use: the first attempt is still running at Stripe. Stripe says to try again,
            // so this must count as transient (an HttpRequestException does) although a 409 otherwise would not.
            return new HttpRequestException($"{ServiceName} answered {(int)answered} and asks to retry: {detail}", e, answered);
        }
        return new ThirdPartyCallFailedException(ServiceName, status, detail, headers?.RetryAfter?.Delta, e);
    }

    private static Dictionary<string, string>? OrderMetadata(PaymentIntent intent) =>
        intent.Metadata is { } metadata && metadata.TryGetValue(StripeWebhookReader.OrderIdMetadataKey, out var orderId)
            ? new Dictionary<string, string> { [StripeWebhookReader.OrderIdMetadataKey] = orderId }
            : null;

    /// <summary>Stripe counts in the currency's smallest unit (cents; yen as they are).</summary>
    internal static long MinorUnits(Money money)
    {
        var digits = Currencies.MinorDigits(money.Currency);
        var scaled = money.Amount * Pow10(digits);
        if (scaled != decimal.Truncate(scaled))
            throw new ArgumentException($"{money} has more decimals than {money.Currency} allows ({digits}).", nameof(money));
        return (long)scaled;
    }

    internal static Money FromMinorUnits(long minorUnits, string currency) =>
        new(minorUnits / Pow10(Currencies.MinorDigits(currency.ToUpperInvariant())), currency.ToUpperInvariant());

    private static decimal Pow10(int digits)
    {
        var factor = 1m;
        for (var i = 0; i < digits; i++) factor *= 10;
        return factor;
    }
}
