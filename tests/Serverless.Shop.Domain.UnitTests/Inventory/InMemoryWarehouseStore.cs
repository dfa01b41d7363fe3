using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>The warehouse directory in memory with the store's optimistic concurrency (a save on another version fails as a stale ETag would).</summary>
internal sealed class InMemoryWarehouseStore : IWarehouseStore
{
    private readonly object _lock = new();
    private WarehouseDirectory _directory = WarehouseDirectory.Empty;
    private string? _version;
    private int _lastVersion;

    public int Reads { get; private set; }
    public int Saves { get; private set; }

    /// <summary>A store holding the warehouse <c>main</c> (active, in Utrecht, shipping to NL and DE), as the local host seeds it.</summary>
    public static InMemoryWarehouseStore WithMain()
    {
        var store = new InMemoryWarehouseStore();
        store.Put(Sample(ManageStock.DefaultWarehouse, new GeoPoint(52.09, 5.12), ["DE", "NL"]));
        return store;
    }

    public static Warehouse Sample(string id, GeoPoint? location, IReadOnlyList<string> shipsTo, int priority = 0, bool active = true) =>
        new(id, $"Warehouse {id}", null, location, shipsTo, priority, active, WarehouseRules.DefaultDispatch, "v-" + id,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    public void Put(Warehouse warehouse)
    {
        lock (_lock)
        {
            _directory = new WarehouseDirectory([.. _directory.Warehouses.Where(w => w.Id != warehouse.Id), warehouse]);
            _version = $"\"w{++_lastVersion}\"";
        }
    }

    public Task<(WarehouseDirectory Directory, string? Version)> ReadAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            Reads++;
            return Task.FromResult((_directory, _version));
        }
    }

    public Task SaveAsync(WarehouseDirectory directory, string? expectedVersion, CancellationToken ct)
    {
        lock (_lock)
        {
            if (expectedVersion != _version) throw new StaleVersionException("Warehouse directory");
            Saves++;
            _directory = directory;
            _version = $"\"w{++_lastVersion}\"";
            return Task.CompletedTask;
        }
    }
}
