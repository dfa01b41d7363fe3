using System.Runtime.CompilerServices;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// The carts container as the flow sees it, with the same rules as CosmosIdleCarts: a shopper's save (<see cref="Save"/>)
/// gives a new version and starts a new spell; a mark lands only on the version read.
/// </summary>
internal sealed class InMemoryIdleCarts : IIdleCarts
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (Cart Cart, int Version, int Reminders, DateTimeOffset? ExpiresAfterMark)> _carts = new();

    /// <summary>Runs once, between the flow's read of the carts and its first mark: a shopper acting meanwhile.</summary>
    public Action? BeforeNextMark { get; set; }

    public void Save(Cart cart)
    {
        lock (_lock) _carts[cart.Id] = (cart, (_carts.TryGetValue(cart.Id, out var old) ? old.Version : 0) + 1, 0, null);
    }

    public Cart Current(string id)
    {
        lock (_lock) return _carts[id].Cart;
    }

    public int RemindersOf(string id)
    {
        lock (_lock) return _carts[id].Reminders;
    }

    public async IAsyncEnumerable<IdleCart> ListDueAsync(IdleCartQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        List<IdleCart> due;
        lock (_lock)
        {
            due = [.. _carts.Values.Where(c => c.Cart.Lines.Count > 0 && c.Reminders < query.Windows.Count
                    && c.Cart.UpdatedAt >= query.Windows[c.Reminders].From && c.Cart.UpdatedAt < query.Windows[c.Reminders].To)
                .Select(c => new IdleCart(c.Cart, "v" + c.Version, c.Reminders))];
        }
        foreach (var cart in due)
        {
            await Task.Yield();
            yield return cart;
        }
    }

    public Task<bool> TryMarkAsync(IdleCart cart, int remindersSent, string? restoreTokenHash, DateTimeOffset now, CancellationToken ct)
    {
        var hook = BeforeNextMark;
        BeforeNextMark = null;
        hook?.Invoke();
        lock (_lock)
        {
            if (!_carts.TryGetValue(cart.Cart.Id, out var current) || "v" + current.Version != cart.Version) return Task.FromResult(false);
            var marked = restoreTokenHash is null ? current.Cart : current.Cart with { RestoreTokenHash = restoreTokenHash };
            _carts[cart.Cart.Id] = (marked, current.Version + 1, remindersSent, current.Cart.ExpiresAt);
            return Task.FromResult(true);
        }
    }
}

/// <summary>Who may get marketing email: the addresses in <see cref="Consented"/>, and nobody else.</summary>
internal sealed class FakeAudience : IMarketingAudience
{
    public HashSet<string> Consented { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IAsyncEnumerable<MarketingRecipient> ListAsync(AudienceSpec audience, string? afterKey, CancellationToken ct) => throw new NotSupportedException();

    public Task<bool> MaySendAsync(string email, CancellationToken ct) => Task.FromResult(Consented.Contains(email));
}

internal sealed class FakeUnsubscribeLinks : IUnsubscribeLinks
{
    public Uri For(MarketingRecipient recipient, string? campaignId) =>
        new($"https://shop.example/api/unsubscribe?recipient={Uri.EscapeDataString(recipient.Key)}&campaign={campaignId}");
}

/// <summary>A blind index that is the lower-case address with a prefix: enough to see which value was indexed.</summary>
internal sealed class IndexingVault : IPersonalDataVault
{
    public Task<IPersonalDataKey> OpenAsync(DataOwner owner, bool createIfMissing, CancellationToken ct) => throw new NotSupportedException();

    public Task<bool> EraseAsync(DataOwner owner, CancellationToken ct) => throw new NotSupportedException();

    public Task<string> BlindIndexAsync(BlindIndexKind kind, string value, CancellationToken ct) => Task.FromResult($"idx:{kind}:{value.ToLowerInvariant()}");
}

internal sealed class InMemoryProfiles : ICustomerProfileStore
{
    private readonly Dictionary<string, CustomerProfile> _profiles = new();

    public void Put(CustomerProfile profile) => _profiles[profile.CustomerId] = profile;

    public Task<Versioned<CustomerProfile>?> FindAsync(string customerId, CancellationToken ct) =>
        Task.FromResult(_profiles.TryGetValue(customerId, out var p) ? new Versioned<CustomerProfile>(p, "v1") : null);

    public Task<string> SaveAsync(CustomerProfile profile, string? expectedVersion, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<CustomerProfile>> SearchAsync(CustomerSearch search, int max, CancellationToken ct) => throw new NotSupportedException();

    public Task DeleteAsync(string customerId, CancellationToken ct) => throw new NotSupportedException();
}
