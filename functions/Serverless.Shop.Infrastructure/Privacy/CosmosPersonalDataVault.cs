using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Privacy;

/// <summary>
/// Data keys in the <c>data-keys</c> container (partition key /id), one document per owner holding every version of
/// the owner's AES-256 key, each wrapped (AES-GCM) by the key-encryption key of the version it records. Erasing an owner
/// replaces the document with a tombstone that holds no key: nothing sealed for the owner opens again, and a later write
/// for the owner stores the erased marker rather than getting a fresh key.
/// </summary>
/// <remarks>
/// Unwrapped keys are kept in this instance's memory for <see cref="PrivacySettings.DataKeyCacheDuration"/> to spare a
/// Cosmos DB read per order read. So another instance may still open an erased owner's values for at most that long
/// after the erasure (this instance forgets at once); docs/security.md says so.
/// </remarks>
public sealed class CosmosPersonalDataVault(ShopContainers containers, PrivacyKeyRing keys, PrivacySettings settings, TimeProvider clock) : IPersonalDataVault
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, OpenedDataKey Key)> _cache = new(StringComparer.Ordinal);

    private Container DataKeys => containers.DataKeys;

    /// <summary>The id (and partition key) of an owner's document in <c>data-keys</c>.</summary>
    public static string DocumentIdFor(DataOwner owner) => DataKeyDocument.IdFor(owner);

    public async Task<IPersonalDataKey> OpenAsync(DataOwner owner, bool createIfMissing, CancellationToken ct)
    {
        var id = DataKeyDocument.IdFor(owner);
        if (_cache.TryGetValue(id, out var cached) && cached.Until > clock.GetUtcNow()) return cached.Key;

        // A guest order's key is made with the order, so creating first saves the read that would find nothing.
        var document = createIfMissing && owner.Kind == DataOwner.GuestOrderKind
            ? await CreateAsync(owner, ct) ?? await ReadAsync(id, ct)
            : await ReadAsync(id, ct) ?? (createIfMissing ? await CreateAsync(owner, ct) ?? await ReadAsync(id, ct) : null);

        // No document: the owner has no sealed data (nothing to open); treated as erased, it opens nothing and seals nothing.
        var opened = document is null ? OpenedDataKey.ErasedFor(owner) : await UnwrapAsync(owner, document, ct);
        if (document is not null) Remember(id, opened);
        return opened;
    }

    public async Task<bool> EraseAsync(DataOwner owner, CancellationToken ct)
    {
        var id = DataKeyDocument.IdFor(owner);
        _cache.TryRemove(id, out _);
        var existing = await ReadAsync(id, ct);
        var tombstone = new DataKeyDocument
        {
            Id = id, Type = DataKeyDocument.ErasedKind, OwnerKind = owner.Kind, CurrentVersion = 0, Keys = [],
            ErasedAt = clock.GetUtcNow(),
        };
        if (existing?.Type == DataKeyDocument.ErasedKind) return false;
        await DataKeys.UpsertItemAsync(tombstone, new PartitionKey(id), cancellationToken: ct);
        _cache.TryRemove(id, out _);
        return existing is not null;
    }

    /// <summary>
    /// Key rotation for one owner: adds a new data key version (values are sealed with it from now on) and re-wraps every
    /// version with the current KEK. Values sealed with an earlier version still open; each is sealed again with the new
    /// version the next time its document is written. Returns the new version (0 for an erased owner or one without a key).
    /// </summary>
    public async Task<int> RotateAsync(DataOwner owner, CancellationToken ct)
    {
        var id = DataKeyDocument.IdFor(owner);
        var response = await ReadResponseAsync(id, ct);
        if (response?.Resource is not { Type: DataKeyDocument.Kind } document) return 0;
        var opened = await UnwrapAsync(owner, document, ct);
        var kek = await keys.CurrentAsync(ct);
        var next = document.CurrentVersion + 1;
        var versions = document.Keys.Select(k => k.Version).Append(next)
            .Select(v => Wrap(owner, v, v == next ? RandomNumberGenerator.GetBytes(32) : opened.KeyOf(v), kek)).ToList();
        await DataKeys.ReplaceItemAsync(document with { CurrentVersion = next, Keys = versions, OwnerId = owner.Id, KekVersion = kek.Version }, id, new PartitionKey(id),
            new ItemRequestOptions { IfMatchEtag = response.ETag }, ct);
        _cache.TryRemove(id, out _);
        return next;
    }

    /// <summary>
    /// The KEK rotation sweep: re-wraps, with the current KEK, every data key still wrapped with an older version (the data
    /// keys themselves do not change, so nothing sealed needs writing again), up to <paramref name="max"/> owners per call.
    /// Once a call finds none left, no data key needs the old KEK versions and they can be disabled in Key Vault. Documents
    /// written before the owner id was kept are not found (docs/security.md). Another writer first (an erasure, a
    /// rotation) wins: that owner is left for the next call. Test: PersonalDataVaultTests.
    /// </summary>
    /// <returns>How many owners' keys were re-wrapped, and how many could not be opened (their KEK version is not
    /// readable, or they do not unwrap): those are left as they are, and logged by the caller.</returns>
    public async Task<(int Rewrapped, int Unreadable)> RewrapWithCurrentKekAsync(int max, CancellationToken ct)
    {
        var kek = await keys.CurrentAsync(ct);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND IS_DEFINED(c.ownerId) AND c.kekVersion != @current")
            .WithParameter("@type", DataKeyDocument.Kind).WithParameter("@current", kek.Version);
        var (rewrapped, unreadable) = (0, 0);
        using var feed = DataKeys.GetItemQueryIterator<DataKeyDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (feed.HasMoreResults && rewrapped < max)
        {
            foreach (var document in await feed.ReadNextAsync(ct))
            {
                if (rewrapped >= max) break;
                var owner = DataOwner.Of(document.OwnerKind, document.OwnerId!);
                OpenedDataKey opened;
                try
                {
                    opened = await UnwrapAsync(owner, document, ct);
                }
                catch (Exception e) when (e is Domain.Common.NotConfiguredException or PersonalDataUnreadableException)
                {
                    unreadable++;
                    continue;
                }
                var versions = document.Keys.Select(k => Wrap(owner, k.Version, opened.KeyOf(k.Version), kek)).ToList();
                try
                {
                    await DataKeys.ReplaceItemAsync(document with { Keys = versions, KekVersion = kek.Version }, document.Id, new PartitionKey(document.Id),
                        new ItemRequestOptions { IfMatchEtag = document.ETag }, ct);
                    _cache.TryRemove(document.Id, out _);
                    rewrapped++;
                }
                catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
                {
                    // Erased or rotated meanwhile: a tombstone needs nothing, a rotation wrapped it with the current KEK already.
                }
            }
        }
        return (rewrapped, unreadable);
    }

    public async Task<string> BlindIndexAsync(BlindIndexKind kind, string value, CancellationToken ct)
    {
        var key = await keys.BlindIndexKeyAsync(ct);
        // The kind is hashed in, so an email and a phone number never share an index value.
        var text = kind.ToString().ToLowerInvariant() + ":" + PersonalData.Normalise(kind, value);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)));
    }

    private void Remember(string id, OpenedDataKey key)
    {
        if (settings.DataKeyCacheDuration > TimeSpan.Zero) _cache[id] = (clock.GetUtcNow() + settings.DataKeyCacheDuration, key);
    }

    private async Task<DataKeyDocument?> ReadAsync(string id, CancellationToken ct) => (await ReadResponseAsync(id, ct))?.Resource;

    private async Task<ItemResponse<DataKeyDocument>?> ReadResponseAsync(string id, CancellationToken ct)
    {
        try
        {
            return await DataKeys.ReadItemAsync<DataKeyDocument>(id, new PartitionKey(id), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    /// <summary>Creates the owner's first key; null when another request created one first (then read theirs).</summary>
    private async Task<DataKeyDocument?> CreateAsync(DataOwner owner, CancellationToken ct)
    {
        var kek = await keys.CurrentAsync(ct);
        var document = new DataKeyDocument
        {
            Id = DataKeyDocument.IdFor(owner), Type = DataKeyDocument.Kind, OwnerKind = owner.Kind, OwnerId = owner.Id, CurrentVersion = 1,
            Keys = [Wrap(owner, 1, RandomNumberGenerator.GetBytes(32), kek)], KekVersion = kek.Version,
        };
        try
        {
            await DataKeys.CreateItemAsync(document, new PartitionKey(document.Id), cancellationToken: ct);
            return document;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            return null;
        }
    }

    private async Task<OpenedDataKey> UnwrapAsync(DataOwner owner, DataKeyDocument document, CancellationToken ct)
    {
        if (document.Type != DataKeyDocument.Kind || document.Keys.Count == 0) return OpenedDataKey.ErasedFor(owner);
        var versions = new Dictionary<int, byte[]>();
        foreach (var wrapped in document.Keys)
        {
            var kek = await keys.KeyEncryptionKeyAsync(wrapped.KekVersion, ct);
            try
            {
                versions[wrapped.Version] = AesGcmBox.Open(kek, Convert.FromBase64String(wrapped.WrappedKey), WrapContext(owner, wrapped.Version, wrapped.KekVersion));
            }
            catch (CryptographicException)
            {
                throw new PersonalDataUnreadableException($"The data key version {wrapped.Version} of a {owner.Kind} does not unwrap with KEK version {wrapped.KekVersion}.");
            }
        }
        return OpenedDataKey.Of(owner, versions, document.CurrentVersion);
    }

    private static WrappedDataKey Wrap(DataOwner owner, int version, byte[] dataKey, KeyEncryptionKey kek) =>
        new(version, kek.Version, Convert.ToBase64String(AesGcmBox.Seal(kek.Key, dataKey, WrapContext(owner, version, kek.Version))));

    private static byte[] WrapContext(DataOwner owner, int version, string kekVersion) =>
        Encoding.UTF8.GetBytes($"data-key:{owner.Kind}:{owner.Id}:v{version.ToString(CultureInfo.InvariantCulture)}:kek:{kekVersion}");

    /// <summary>One version of an owner's data key, wrapped by the KEK version it names.</summary>
    internal sealed record WrappedDataKey(int Version, string KekVersion, string WrappedKey);

    internal sealed record DataKeyDocument
    {
        public const string Kind = "data-key";
        public const string ErasedKind = "erased-data-key";

        /// <summary>The owner kind and a hash of the owner's id (ids may hold any character; the document needs none of them).</summary>
        public static string IdFor(DataOwner owner) =>
            owner.Kind + "_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(owner.Id)))[..40];

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string OwnerKind { get; init; }
        public required int CurrentVersion { get; init; }
        public required IReadOnlyList<WrappedDataKey> Keys { get; init; }

        /// <summary>The owner's id, so the re-wrap sweep can rebuild the wrapping context (null on documents written before it was kept).</summary>
        public string? OwnerId { get; init; }

        /// <summary>The KEK version every key of the document is wrapped with (each write wraps them all with one), for the sweep's query.</summary>
        public string? KekVersion { get; init; }
        public DateTimeOffset? ErasedAt { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }
}
