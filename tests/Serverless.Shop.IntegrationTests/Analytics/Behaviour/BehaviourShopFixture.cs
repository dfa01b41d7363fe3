using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Infrastructure.Analytics.Behaviour;

namespace Serverless.Shop.IntegrationTests.Analytics.Behaviour;

/// <summary>
/// A local shop of its own for the behaviour tests (the processing checkpoint is shop-wide): its clickstream archive is
/// <see cref="Archive"/>, capture files a test writes, and its behaviour store is the real Cosmos DB one behind a
/// switch that kills a run at its next checkpoint (<see cref="Crash"/>).
/// </summary>
public sealed class BehaviourShopFixture : LocalShopFixture
{
    public TestClickstreamArchive Archive { get; } = new();

    public CheckpointCrash Crash { get; private set; } = null!;

    protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? ConfigureShop => builder =>
    {
        builder.Services.AddSingleton<IClickstreamArchive>(Archive);
        builder.Services.AddSingleton<CosmosBehaviourStore>();
        builder.Services.AddSingleton<IBehaviourStore>(sp => Crash = new CheckpointCrash(sp.GetRequiredService<CosmosBehaviourStore>()));
    };

    public Task ProcessAsync() => Shop.RunTimerAsync("ProcessClickstream");
}

[CollectionDefinition(Name)]
public sealed class BehaviourShopCollection : ICollectionFixture<BehaviourShopFixture>
{
    public const string Name = "behaviour shop";
}

/// <summary>Capture files in memory, listed in the order they were written, as the archive contract says.</summary>
public sealed class TestClickstreamArchive : IClickstreamArchive
{
    private readonly ConcurrentDictionary<CapturedFile, IReadOnlyList<ClickstreamEvent>> _files = new();
    private long _sequence;

    public CapturedFile Write(params ClickstreamEvent[] events)
    {
        var at = DateTimeOffset.UtcNow;
        var file = new CapturedFile($"test/{at:yyyy/MM/dd/HH/mm/ss}-{Interlocked.Increment(ref _sequence):D6}.avro", at);
        _files[file] = events;
        return file;
    }

    public async IAsyncEnumerable<CapturedFile> ListAsync(DateTimeOffset writtenAfter, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var file in _files.Keys.Where(f => f.WrittenAt > writtenAfter).OrderBy(f => f.WrittenAt).ThenBy(f => f.Name, StringComparer.Ordinal)) yield return file;
    }

    public Task<IReadOnlyList<ClickstreamEvent>> ReadAsync(CapturedFile file, CancellationToken ct) => Task.FromResult(_files[file]);

    public Task<int> DeleteWrittenBeforeAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var old = _files.Keys.Where(f => f.WrittenAt < cutoff).ToList();
        foreach (var file in old) _files.TryRemove(file, out _);
        return Task.FromResult(old.Count);
    }
}

/// <summary>The real store; when armed, the next checkpoint save throws, as if the run were killed after its writes.</summary>
public sealed class CheckpointCrash(CosmosBehaviourStore store) : IBehaviourStore
{
    public bool Armed { get; set; }

    public Task SaveCheckpointAsync(ClickstreamCheckpoint checkpoint, CancellationToken ct)
    {
        if (!Armed) return store.SaveCheckpointAsync(checkpoint, ct);
        Armed = false;
        throw new InvalidOperationException("Killed before the checkpoint (test).");
    }

    public Task<ClickstreamCheckpoint> ReadCheckpointAsync(CancellationToken ct) => store.ReadCheckpointAsync(ct);
    public Task<int> MergeSessionAsync(DateOnly day, string sessionId, IReadOnlyList<TrailEvent> events, CancellationToken ct) => store.MergeSessionAsync(day, sessionId, events, ct);
    public IAsyncEnumerable<IReadOnlyList<TrailEvent>> ReadSessionsAsync(DateOnly day, CancellationToken ct) => store.ReadSessionsAsync(day, ct);
    public Task<IReadOnlyList<BehaviourDay>> ReadDaysAsync(DateOnly from, DateOnly to, CancellationToken ct) => store.ReadDaysAsync(from, to, ct);
    public Task SaveDayAsync(BehaviourDay day, CancellationToken ct) => store.SaveDayAsync(day, ct);
    public Task<bool> CountPurchaseAsync(DateOnly day, string orderNumber, IReadOnlyCollection<string> productIds, CancellationToken ct) => store.CountPurchaseAsync(day, orderNumber, productIds, ct);
    public Task<IReadOnlyList<PurchasesDay>> ReadPurchasesAsync(DateOnly from, DateOnly to, CancellationToken ct) => store.ReadPurchasesAsync(from, to, ct);
}

/// <summary>Events as the ingestion endpoint accepts them, happening now.</summary>
public static class Shopper
{
    public static ClickstreamEvent Event(string session, ClickstreamEventType type, string pageType, string path, string? productId = null, long? visibleMs = null, int secondsAgo = 0)
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(-secondsAgo);
        return new(Guid.NewGuid().ToString("N"), type, session, at, at, path, pageType, productId, VisibleMs: visibleMs, NetworkPrefix: "203.0.113.0/24");
    }

    public static string NewSession() => Guid.NewGuid().ToString("N");

    public static string NewProduct() => "prod_" + Guid.NewGuid().ToString("N");
}
