using System.Collections.Concurrent;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Privacy;

/// <summary>
/// The root keys, read once from their source and kept in memory for the life of the instance (a KEK rotation takes
/// effect on instances started after it; docs/security.md). A failed read is not kept: the next request tries again,
/// and until one succeeds every use throws <see cref="NotConfiguredException"/> (503, nothing written).
/// </summary>
public sealed class PrivacyKeyRing(IPrivacyKeySource source)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, byte[]> _earlierKeks = new(StringComparer.Ordinal);
    private volatile RootKeys? _keys;

    private sealed record RootKeys(KeyEncryptionKey Current, byte[] BlindIndexKey);

    /// <summary>The KEK new data keys are wrapped with.</summary>
    public async Task<KeyEncryptionKey> CurrentAsync(CancellationToken ct) => (await LoadAsync(ct)).Current;

    /// <summary>The blind-index key, or <see cref="NotConfiguredException"/> when it has not been read yet and cannot be.</summary>
    public async Task<byte[]> BlindIndexKeyAsync(CancellationToken ct) => (await LoadAsync(ct)).BlindIndexKey;

    /// <summary>The KEK of that version: the current one, or an earlier version a data key was wrapped with.</summary>
    public async Task<byte[]> KeyEncryptionKeyAsync(string version, CancellationToken ct)
    {
        var keys = await LoadAsync(ct);
        if (keys.Current.Version == version) return keys.Current.Key;
        if (_earlierKeks.TryGetValue(version, out var known)) return known;
        var earlier = await source.ReadKeyEncryptionKeyAsync(version, ct);
        return _earlierKeks.GetOrAdd(version, earlier.Key);
    }

    /// <summary>Reads the root keys now. Program.cs calls it at startup, so an app without them never starts serving.</summary>
    /// <exception cref="NotConfiguredException">The keys are not configured or cannot be read; the message says which and why.</exception>
    public async Task EnsureLoadedAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task<RootKeys> LoadAsync(CancellationToken ct)
    {
        if (_keys is { } loaded) return loaded;
        await _gate.WaitAsync(ct);
        try
        {
            if (_keys is { } raced) return raced;
            var current = await source.ReadCurrentKeyEncryptionKeyAsync(ct);
            var index = await source.ReadBlindIndexKeyAsync(ct);
            return _keys = new RootKeys(current, index);
        }
        finally
        {
            _gate.Release();
        }
    }
}
