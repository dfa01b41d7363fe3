using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>
/// Carts in memory with the store's contract: every write gets a new version, a replace based on another version fails
/// with <see cref="StaleVersionException"/>, and a replace of a deleted cart with <see cref="ResourceNotFoundException"/>.
/// Hooks let a test make another request write first, or fail a delete (a process dying between two writes).
/// </summary>
internal sealed class InMemoryCartStore : ICartStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Versioned<Cart>> _carts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Versioned<string>> _customerCarts = new(StringComparer.Ordinal);
    private int _lastVersion;

    public int Reads { get; private set; }
    public int Writes { get; private set; }
    public int Conflicts { get; private set; }
    public List<string> Deleted { get; } = [];

    /// <summary>Runs once, just before the next replace is checked: a concurrent writer's moment.</summary>
    public Action<Cart>? BeforeReplace { get; set; }

    /// <summary>When set, every replace fails as if someone else always wrote first.</summary>
    public bool AlwaysConflict { get; set; }

    /// <summary>Runs before the customer pointer is set: another request of the same customer may win the race here.</summary>
    public Action<string>? BeforeSetCustomerCart { get; set; }

    public Exception? DeleteFailure { get; set; }

    public IReadOnlyList<Cart> All { get { lock (_lock) return _carts.Values.Select(c => c.Value).ToList(); } }

    public Versioned<Cart> Put(Cart cart)
    {
        lock (_lock) return _carts[cart.Id] = new Versioned<Cart>(cart, NextVersion());
    }

    public Versioned<Cart>? Current(string id)
    {
        lock (_lock) return _carts.GetValueOrDefault(id);
    }

    public void PointCustomerTo(string customerId, string cartId)
    {
        lock (_lock) _customerCarts[customerId] = new Versioned<string>(cartId, NextVersion());
    }

    public string? CustomerCartId(string customerId)
    {
        lock (_lock) return _customerCarts.GetValueOrDefault(customerId)?.Value;
    }

    public Task<Versioned<Cart>?> FindAsync(string cartId, CancellationToken ct)
    {
        lock (_lock)
        {
            Reads++;
            return Task.FromResult(_carts.GetValueOrDefault(cartId));
        }
    }

    public Task<string> CreateAsync(Cart cart, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_carts.ContainsKey(cart.Id)) throw new InvalidOperationException($"cart {cart.Id} exists");
            Writes++;
            return Task.FromResult((_carts[cart.Id] = new Versioned<Cart>(cart, NextVersion())).Version);
        }
    }

    public Task<string> ReplaceAsync(Cart cart, string expectedVersion, CancellationToken ct)
    {
        var hook = BeforeReplace;
        BeforeReplace = null;
        hook?.Invoke(cart);
        lock (_lock)
        {
            if (!_carts.TryGetValue(cart.Id, out var stored)) throw new ResourceNotFoundException("Cart", cart.Id);
            if (stored.Version != expectedVersion || AlwaysConflict)
            {
                Conflicts++;
                throw new StaleVersionException("Cart");
            }
            Writes++;
            return Task.FromResult((_carts[cart.Id] = new Versioned<Cart>(cart, NextVersion())).Version);
        }
    }

    public Task DeleteAsync(string cartId, CancellationToken ct)
    {
        if (DeleteFailure is { } failure) return Task.FromException(failure);
        lock (_lock)
        {
            if (_carts.Remove(cartId)) Deleted.Add(cartId);
            return Task.CompletedTask;
        }
    }

    public Task<Versioned<string>?> FindCustomerCartIdAsync(string customerId, CancellationToken ct)
    {
        lock (_lock)
        {
            Reads++;
            return Task.FromResult(_customerCarts.GetValueOrDefault(customerId));
        }
    }

    public Task<bool> TrySetCustomerCartIdAsync(string customerId, string cartId, string? expectedVersion, CancellationToken ct)
    {
        var hook = BeforeSetCustomerCart;
        BeforeSetCustomerCart = null;
        hook?.Invoke(customerId);
        lock (_lock)
        {
            var current = _customerCarts.GetValueOrDefault(customerId);
            if (current?.Version != expectedVersion) return Task.FromResult(false);
            Writes++;
            _customerCarts[customerId] = new Versioned<string>(cartId, NextVersion());
            return Task.FromResult(true);
        }
    }

    private string NextVersion() => $"\"c{++_lastVersion}\"";
}
