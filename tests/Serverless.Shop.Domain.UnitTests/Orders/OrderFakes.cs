using System.Collections.Concurrent;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>
/// Orders in memory with the store's optimistic concurrency: every save gets a new version, and a save based on another
/// version fails with <see cref="StaleVersionException"/>, as a Cosmos DB ETag would. <see cref="BeforeNextSave"/> lets a
/// test slip in someone else's change between a command's read and its write.
/// </summary>
internal sealed class InMemoryOrderStore : IOrderStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Versioned<Order>> _orders = new(StringComparer.Ordinal);
    private int _lastVersion;

    public int Saves { get; private set; }
    public int Conflicts { get; private set; }
    public int HasPaidOrderQueries { get; private set; }

    /// <summary>Runs once, just before the next save is checked: a concurrent writer.</summary>
    public Action? BeforeNextSave { get; set; }

    public Versioned<Order>? Current(string number)
    {
        lock (_lock) return _orders.GetValueOrDefault(number);
    }

    public Task<Versioned<Order>?> FindAsync(string number, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_orders.GetValueOrDefault(number));
    }

    public Task<string> CreateAsync(Order order, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_orders.ContainsKey(order.Id)) throw new DuplicateResourceException("number", $"There is already an order {order.Number}.");
            Saves++;
            return Task.FromResult((_orders[order.Id] = new Versioned<Order>(order, NextVersion())).Version);
        }
    }

    public Task<string> SaveAsync(Order order, string expectedVersion, CancellationToken ct)
    {
        var interloper = BeforeNextSave;
        BeforeNextSave = null;
        interloper?.Invoke();
        lock (_lock)
        {
            if (!_orders.TryGetValue(order.Id, out var stored)) throw new ResourceNotFoundException("Order", order.Id);
            if (stored.Version != expectedVersion)
            {
                Conflicts++;
                throw new StaleVersionException("Order");
            }
            Saves++;
            return Task.FromResult((_orders[order.Id] = new Versioned<Order>(order, NextVersion())).Version);
        }
    }

    /// <summary>Someone else's write: the order changes and gets a new version.</summary>
    public void Overwrite(Order order)
    {
        lock (_lock) _orders[order.Id] = new Versioned<Order>(order, NextVersion());
    }

    public Task<Page<OrderSummary>> ListByCustomerAsync(string customerId, PageRequest page, CancellationToken ct) =>
        SearchAsync(new OrderSearch(CustomerId: customerId), page, ct);

    public Task<Page<OrderSummary>> SearchAsync(OrderSearch f, PageRequest page, CancellationToken ct)
    {
        lock (_lock)
        {
            var skip = page.ContinuationToken is null ? 0 : int.Parse(page.ContinuationToken, System.Globalization.CultureInfo.InvariantCulture);
            var matches = _orders.Values.Select(v => v.Value)
                .Where(o => (f.Number is null || o.Number == f.Number) && (f.CustomerId is null || o.CustomerId == f.CustomerId)
                    && (f.Email is null || string.Equals(o.Email, f.Email, StringComparison.OrdinalIgnoreCase)) && (f.Status is null || o.Status == f.Status) && (f.PaymentMethod is null || o.PaymentMethod == f.PaymentMethod)
                    && (f.CreatedFrom is null || o.CreatedAt >= f.CreatedFrom) && (f.CreatedTo is null || o.CreatedAt < f.CreatedTo)
                    && (f.CartId is null || o.CheckoutInputs?.CartId == f.CartId)
                    && (f.PaidBefore is null || o.PaidAt < f.PaidBefore) && (f.UpdatedFrom is null || o.UpdatedAt >= f.UpdatedFrom))
                .OrderByDescending(o => o.CreatedAt).Skip(skip).ToList();
            var next = matches.Count > page.Size ? (skip + page.Size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new Page<OrderSummary>(matches.Take(page.Size).Select(OrderSummary.Of).ToList(), next));
        }
    }

    public Task<Page<OrderSummary>> ListWithOpenRefundTasksAsync(PageRequest page, CancellationToken ct) => Flagged(OrderPaymentRules.HasOpenRefundTask, page);

    public Task<Page<OrderSummary>> ListNeedingReconciliationAsync(PageRequest page, CancellationToken ct) => Flagged(OrderPaymentRules.NeedsAttention, page);

    public Task<Page<OrderSummary>> ListAwaitingReturnParcelsAsync(PageRequest page, CancellationToken ct) => Flagged(ReturnRules.AwaitsParcel, page);

    private Task<Page<OrderSummary>> Flagged(Func<Order, bool> flag, PageRequest page)
    {
        lock (_lock)
        {
            var skip = page.ContinuationToken is null ? 0 : int.Parse(page.ContinuationToken, System.Globalization.CultureInfo.InvariantCulture);
            var matches = _orders.Values.Select(v => v.Value).Where(flag).OrderBy(o => o.CreatedAt).Skip(skip).ToList();
            var next = matches.Count > page.Size ? (skip + page.Size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new Page<OrderSummary>(matches.Take(page.Size).Select(OrderSummary.Of).ToList(), next));
        }
    }

    public Task<bool> HasPaidOrderAsync(string customerId, CancellationToken ct)
    {
        lock (_lock)
        {
            HasPaidOrderQueries++;
            return Task.FromResult(_orders.Values.Any(v => v.Value.CustomerId == customerId && v.Value.PaidAt is not null));
        }
    }

    private string NextVersion() => $"\"o{++_lastVersion}\"";
}

/// <summary>
/// A payment provider that refunds in memory, idempotent by key as real ones are: a repeated key gives back the first
/// result and moves no money. <see cref="Hold"/> keeps a refund waiting inside the gateway call.
/// </summary>
internal sealed class FakePaymentGateway(string provider = FakePaymentGateway.Name) : IPaymentGateway
{
    public const string Name = "fakepay";
    private readonly ConcurrentDictionary<string, RefundResult> _byKey = new();
    private readonly ConcurrentQueue<(string PaymentId, Money Amount, string Key)> _calls = new();

    public string Provider => provider;
    public PaymentMethod Method => PaymentMethod.Card;

    public IReadOnlyList<(string PaymentId, Money Amount, string Key)> Calls => _calls.ToList();

    /// <summary>The money that actually went back: one refund per distinct key.</summary>
    public decimal MoneyRefunded => _byKey.Values.Sum(r => r.Amount.Amount);

    /// <summary>The next call fails with this (a timeout, the provider refusing), before any money moves.</summary>
    public Exception? FailNext { get; set; }

    /// <summary>Refunds are instructions for a person (as a bank's): the result says so and no money moves.</summary>
    public bool NeedsPerson { get; init; }

    public TaskCompletionSource? Hold { get; set; }
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken ct) => throw new NotSupportedException();

    public async Task<RefundResult> RefundAsync(string paymentId, Money amount, string idempotencyKey, CancellationToken ct)
    {
        _calls.Enqueue((paymentId, amount, idempotencyKey));
        Entered.TrySetResult();
        if (Hold is { } hold) await hold.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }
        return _byKey.GetOrAdd(idempotencyKey, key => new RefundResult($"re_{key}", amount, NeedsPerson));
    }
}

internal sealed class FakeCarrier : ICarrier
{
    public const string CarrierName = "fakecarrier";
    private readonly ConcurrentQueue<(string ShipmentId, string Key)> _cancellations = new();

    public string Name => CarrierName;
    public IReadOnlyList<(string ShipmentId, string Key)> Cancellations => _cancellations.ToList();

    /// <summary>The parcel is already with the carrier: cancelling fails.</summary>
    public bool RefuseCancellation { get; set; }

    private readonly ConcurrentQueue<ShipmentRequest> _created = new();

    /// <summary>Every shipment asked for (a retry with the same key is asked again, and gets the same shipment).</summary>
    public IReadOnlyList<ShipmentRequest> Created => _created.ToList();

    /// <summary>The next CreateShipmentAsync fails with this.</summary>
    public Exception? FailNextShipment { get; set; }

    public Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct)
    {
        _created.Enqueue(request);
        if (FailNextShipment is { } failure)
        {
            FailNextShipment = null;
            throw failure;
        }
        var id = "shp_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(request.IdempotencyKey)))[..12].ToLowerInvariant();
        return Task.FromResult(new Shipment(CarrierName, id, "RT" + id[4..].ToUpperInvariant(), $"https://track.example/{id}", $"https://labels.example/{id}.pdf"));
    }

    public Task<IReadOnlyList<CarrierRate>> GetRatesAsync(ShipmentRequest request, CancellationToken ct) => throw new NotSupportedException();

    public bool SendsTrackingWebhooks => true;

    public Task<IReadOnlyList<TrackingEvent>> GetTrackingAsync(string shipmentId, CancellationToken ct) => throw new NotSupportedException();

    public Task CancelShipmentAsync(string shipmentId, string idempotencyKey, CancellationToken ct)
    {
        if (RefuseCancellation) throw new BusinessRuleViolationException($"Shipment {shipmentId} was already handed over.");
        _cancellations.Enqueue((shipmentId, idempotencyKey));
        return Task.CompletedTask;
    }
}

internal sealed class RecordingEmailSender : IEmailSender
{
    private readonly ConcurrentQueue<EmailMessage> _sent = new();
    public IReadOnlyList<EmailMessage> Sent => _sent.ToList();

    public Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        _sent.Enqueue(message);
        return Task.CompletedTask;
    }
}

internal sealed class RecordingIntegrationEvents : IIntegrationEvents
{
    private readonly ConcurrentQueue<IntegrationEvent> _published = new();
    public IReadOnlyList<IntegrationEvent> Published => _published.ToList();

    public Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken ct)
    {
        _published.Enqueue(integrationEvent);
        return Task.CompletedTask;
    }
}

/// <summary>A clock a test moves forward, for return windows and the order of events.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
    public void Advance(TimeSpan by) => Now += by;
}
