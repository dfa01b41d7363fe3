using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Payments;

/// <param name="WebhookSecret">Signs the simulator's webhooks (<c>Payments:LocalWallet:WebhookSecret</c>, a development default locally).</param>
/// <param name="PageBaseUrl">Where the local host serves the wallet page (<c>Simulators:BaseUrl</c>; the local host sets the real one when it starts).</param>
/// <param name="StateFile">Where the wallet's sessions survive a restart of the local host (<c>Payments:LocalWallet:StateFile</c>); null keeps them in memory (tests).</param>
public sealed record LocalWalletOptions(string WebhookSecret, Uri PageBaseUrl, string? StateFile = null)
{
    public override string ToString() => $"LocalWalletOptions {{ PageBaseUrl = {PageBaseUrl} }}";
}

public enum WalletSessionState { Pending, Approved, Cancelled }

/// <summary>One payment at the local wallet, as its page shows it.</summary>
public sealed record WalletSession(string Id, string OrderId, Money Amount, string CustomerEmail, string ReturnUrl, WalletSessionState State, Money Refunded);

/// <summary>A signed webhook the wallet sends the shop, and where it then sends the shopper.</summary>
public sealed record LocalWalletWebhook(string Body, IReadOnlyDictionary<string, string> Headers, string ReturnUrl);

/// <summary>
/// A stand-in for an e-wallet provider, so `dotnet run` can take e-wallet payments without a PayPal account. Charging
/// opens a session and sends the shopper to the local host's wallet page (/simulators/wallet/{session id}); pressing
/// Approve or Cancel there (or <see cref="Approve"/> / <see cref="Cancel"/> in a test) produces the webhook a real
/// wallet would send, signed like the bank's (<see cref="HmacWebhookSignature"/>), which
/// <see cref="LocalWalletWebhookReader"/> reads. Sessions live in memory, and in a JSON file under the local data
/// directory when <see cref="LocalWalletOptions.StateFile"/> is set, so that, as at a real provider, a payment waiting
/// for approval and the idempotency of its key survive a restart of the local host (the crash tests restart it).
/// </summary>
public sealed class LocalWalletSimulator(LocalWalletOptions options, TimeProvider time, ILogger<LocalWalletSimulator> logger) : IPaymentGateway
{
    public const string ProviderName = "local-wallet";
    public const string PagePath = "simulators/wallet";
    public const string SignatureHeader = "X-Local-Wallet-Signature";
    public const string ApprovedType = "wallet.payment.approved";
    public const string CancelledType = "wallet.payment.cancelled";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Session> _sessionsByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Session> _sessionsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefundResult> _refundsByKey = new(StringComparer.Ordinal);
    private Uri _pageBaseUrl = WithSlash(options.PageBaseUrl);

    /// <summary>Every session opened, oldest first (what the wallet's own records say: one per charge).</summary>
    public IReadOnlyList<WalletSession> Sessions
    {
        get
        {
            lock (_lock)
            {
                Load();
                return _sessionsById.Values.OrderBy(s => s.CreatedAt).Select(s => s.Snapshot()).ToList();
            }
        }
    }

    public string Provider => ProviderName;
    public PaymentMethod Method => PaymentMethod.EWallet;

    /// <summary>The local host's root, e.g. http://localhost:7071/.</summary>
    public Uri PageBaseUrl => Volatile.Read(ref _pageBaseUrl);

    /// <summary>The local host calls this once it knows the port it listens on (any free one in tests).</summary>
    public void UsePageBaseUrl(Uri baseUrl) => Volatile.Write(ref _pageBaseUrl, WithSlash(baseUrl));

    public Uri PageUrl(string sessionId) => new(PageBaseUrl, $"{PagePath}/{Uri.EscapeDataString(sessionId)}");

    /// <summary>Opens a session (the same one for the same idempotency key) and sends the shopper to its page.</summary>
    public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken ct)
    {
        if (request.Method != PaymentMethod.EWallet) throw new ArgumentException($"The wallet cannot take a {request.Method} payment.", nameof(request));
        if (request.Amount.Amount <= 0) throw new ArgumentException("A wallet payment must be for more than zero.", nameof(request));
        var returnUrl = PayPalWalletGateway.ReturnUrl(request.ReturnUrl);

        Session session;
        lock (_lock)
        {
            Load();
            if (_sessionsByKey.TryGetValue(request.IdempotencyKey, out var existing))
            {
                // As real providers do: a key belongs to one charge.
                if (existing.OrderId != request.OrderId || existing.Amount != request.Amount)
                    throw new BusinessRuleViolationException("This idempotency key was already used for another wallet payment.");
                session = existing;
            }
            else
            {
                session = new Session(Ids.New("wal"), request.OrderId, request.Amount, request.CustomerEmail, returnUrl) { IdempotencyKey = request.IdempotencyKey, CreatedAt = time.GetUtcNow() };
                _sessionsByKey.Add(request.IdempotencyKey, session);
                _sessionsById.Add(session.Id, session);
                Save();
                logger.LogInformation("Local wallet session {SessionId} for order {OrderId} ({Amount}).", session.Id, request.OrderId, request.Amount);
            }
        }

        return Task.FromResult(new PaymentResult(PaymentOutcome.ActionRequired, Provider, session.Id,
            Message: "Approve or cancel the payment at the local wallet.", RedirectUrl: PageUrl(session.Id).AbsoluteUri));
    }

    public WalletSession? FindSession(string sessionId)
    {
        lock (_lock)
        {
            Load();
            return _sessionsById.TryGetValue(sessionId, out var session) ? session.Snapshot() : null;
        }
    }

    /// <summary>The shopper approves: the money is taken. Pressing it again gives the same webhook (same event id).</summary>
    /// <exception cref="ResourceNotFoundException">No such session.</exception>
    /// <exception cref="BusinessRuleViolationException">The session was cancelled (by the shopper or by the shop).</exception>
    public LocalWalletWebhook Approve(string sessionId) => Decide(sessionId, WalletSessionState.Approved);

    /// <summary>The shopper cancels: nothing is taken.</summary>
    public LocalWalletWebhook Cancel(string sessionId) => Decide(sessionId, WalletSessionState.Cancelled);

    /// <summary>
    /// Gives back money from an approved session (partial refunds add up to at most what was paid); a session still
    /// pending is cancelled instead, so it can no longer be approved, and the result's amount is zero. Idempotent by key.
    /// </summary>
    public Task<RefundResult> RefundAsync(string paymentId, Money amount, string idempotencyKey, CancellationToken ct)
    {
        lock (_lock)
        {
            Load();
            if (_refundsByKey.TryGetValue(idempotencyKey, out var earlier)) return Task.FromResult(earlier);
            if (!_sessionsById.TryGetValue(paymentId, out var session)) throw new ResourceNotFoundException("Wallet payment", paymentId);

            RefundResult result;
            if (session.State != WalletSessionState.Approved)
            {
                session.State = WalletSessionState.Cancelled;
                session.DecidedAt ??= time.GetUtcNow();
                result = new RefundResult("wal_void_" + session.Id, new Money(0m, session.Amount.Currency));
            }
            else
            {
                if (amount.Currency != session.Amount.Currency)
                    throw new BusinessRuleViolationException($"The payment was in {session.Amount.Currency}, not {amount.Currency}.");
                if (amount.Amount <= 0 || session.Refunded + amount.Amount > session.Amount.Amount)
                    throw new BusinessRuleViolationException($"Cannot refund {amount}: {session.Amount.Amount - session.Refunded} of {session.Amount} is left to refund.");
                session.Refunded += amount.Amount;
                result = new RefundResult(Ids.New("wrf"), amount);
            }

            _refundsByKey.Add(idempotencyKey, result);
            Save();
            logger.LogInformation("Local wallet refund {RefundId}: {Amount} of session {SessionId}.", result.RefundId, result.Amount, paymentId);
            return Task.FromResult(result);
        }
    }

    private LocalWalletWebhook Decide(string sessionId, WalletSessionState decision)
    {
        Session session;
        lock (_lock)
        {
            Load();
            if (!_sessionsById.TryGetValue(sessionId, out session!)) throw new ResourceNotFoundException("Wallet session", sessionId);
            if (session.State == WalletSessionState.Pending)
            {
                session.State = decision;
                session.DecidedAt = time.GetUtcNow();
                Save();
            }
            else if (session.State != decision)
                throw new BusinessRuleViolationException($"This payment was already {session.State.ToString().ToLowerInvariant()}.");
        }

        var approved = decision == WalletSessionState.Approved;
        var body = JsonSerializer.Serialize(new WalletWebhookBody(
            $"{session.Id}:{(approved ? "approved" : "cancelled")}", approved ? ApprovedType : CancelledType,
            session.Id, session.OrderId, session.Amount.Amount, session.Amount.Currency, session.DecidedAt!.Value), ShopJson.Options);
        return new LocalWalletWebhook(
            body,
            new Dictionary<string, string> { [SignatureHeader] = HmacWebhookSignature.Sign(body, options.WebhookSecret, time.GetUtcNow()) },
            PayPalWalletGateway.WithOutcome(session.ReturnUrl, approved ? "approved" : "cancelled"));
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private sealed record WalletWebhookBody(string Id, string Type, string SessionId, string OrderId, decimal Amount, string Currency, DateTimeOffset OccurredAt);

    // Called under the lock: the state file, read once, before the first use.
    private void Load()
    {
        if (_loadedOnce || options.StateFile is not { } file) return;
        _loadedOnce = true;
        if (!File.Exists(file)) return;
        var state = JsonSerializer.Deserialize<State>(File.ReadAllText(file), ShopJson.Options)
            ?? throw new InvalidOperationException($"The local wallet's state file {file} is empty; delete it to start afresh.");
        foreach (var s in state.Sessions)
        {
            var session = new Session(s.Id, s.OrderId, s.Amount, s.CustomerEmail, new Uri(s.ReturnUrl))
            {
                IdempotencyKey = s.IdempotencyKey, CreatedAt = s.CreatedAt, State = s.State, DecidedAt = s.DecidedAt, Refunded = s.Refunded,
            };
            _sessionsById[session.Id] = session;
            _sessionsByKey[session.IdempotencyKey] = session;
        }
        foreach (var (key, refund) in state.Refunds) _refundsByKey[key] = refund;
    }

    // Called under the lock. Written aside, then moved over the old file: a crash mid-write never leaves half a file.
    private void Save()
    {
        if (options.StateFile is not { } file) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var state = new State(
            _sessionsById.Values.Select(s => new StoredSession(s.Id, s.OrderId, s.Amount, s.CustomerEmail, s.ReturnUrl.AbsoluteUri, s.IdempotencyKey, s.CreatedAt, s.State, s.DecidedAt, s.Refunded)).ToList(),
            new Dictionary<string, RefundResult>(_refundsByKey));
        File.WriteAllText(file + ".tmp", JsonSerializer.Serialize(state, ShopJson.Options));
        File.Move(file + ".tmp", file, overwrite: true);
    }

    private bool _loadedOnce;

    private sealed record State(List<StoredSession> Sessions, Dictionary<string, RefundResult> Refunds);

    private sealed record StoredSession(
        string Id, string OrderId, Money Amount, string CustomerEmail, string ReturnUrl, string IdempotencyKey, DateTimeOffset CreatedAt,
        WalletSessionState State, DateTimeOffset? DecidedAt, decimal Refunded);

    private sealed class Session(string id, string orderId, Money amount, string customerEmail, Uri returnUrl)
    {
        public string IdempotencyKey { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public string Id { get; } = id;
        public string OrderId { get; } = orderId;
        public Money Amount { get; } = amount;
        public string CustomerEmail { get; } = customerEmail;
        public Uri ReturnUrl { get; } = returnUrl;
        public WalletSessionState State { get; set; }
        public DateTimeOffset? DecidedAt { get; set; }
        public decimal Refunded { get; set; }

        public WalletSession Snapshot() => new(Id, OrderId, Amount, CustomerEmail, ReturnUrl.AbsoluteUri, State, new Money(Refunded, Amount.Currency));
    }
}
