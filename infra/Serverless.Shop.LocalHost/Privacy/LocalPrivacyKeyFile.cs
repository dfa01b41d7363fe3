using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Privacy;

namespace Serverless.Shop.LocalHost.Privacy;

/// <summary>
/// The local stand-in for Key Vault's two privacy secrets: a JSON file under the local host's data directory
/// (<c>.local/privacy-keys.json</c>), made with random keys the first time and read on every start, so data sealed in
/// one run still opens in the next. Only the local host registers it: the function app has no setting that reads a key
/// from a file. Without a data directory (tests) the keys live in memory for the run. A KEK rotation locally: add a
/// version under <c>keyEncryptionKeys</c> and name it in <c>current</c> (docs/security.md).
/// </summary>
public sealed class LocalPrivacyKeyFile : IPrivacyKeySource
{
    public const string FileName = "privacy-keys.json";

    private readonly KeyFile _keys;
    private readonly string _where;

    private LocalPrivacyKeyFile(KeyFile keys, string where)
    {
        _keys = keys;
        _where = where;
    }

    public static LocalPrivacyKeyFile LoadOrCreate(string? directory)
    {
        if (directory is null) return new LocalPrivacyKeyFile(KeyFile.New(), "memory");
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, JsonSerializer.Serialize(KeyFile.New(), new JsonSerializerOptions { WriteIndented = true }));
        }
        var keys = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"{path} is empty: delete it to get new keys (data sealed with the old ones will read as erased).");
        return new LocalPrivacyKeyFile(keys, path);
    }

    public Task<KeyEncryptionKey> ReadCurrentKeyEncryptionKeyAsync(CancellationToken ct) => ReadKeyEncryptionKeyAsync(_keys.Current, ct);

    public Task<KeyEncryptionKey> ReadKeyEncryptionKeyAsync(string version, CancellationToken ct) =>
        _keys.KeyEncryptionKeys.TryGetValue(version, out var key)
            ? Task.FromResult(new KeyEncryptionKey(version, PrivacyKeyBytes.Parse(key, $"{_where}: keyEncryptionKeys.{version}")))
            : throw new NotConfiguredException($"{_where} has no key-encryption key version '{version}'.");

    public Task<byte[]> ReadBlindIndexKeyAsync(CancellationToken ct) => Task.FromResult(PrivacyKeyBytes.Parse(_keys.BlindIndexKey, $"{_where}: blindIndexKey"));

    private sealed record KeyFile(
        [property: JsonPropertyName("current")] string Current,
        [property: JsonPropertyName("keyEncryptionKeys")] Dictionary<string, string> KeyEncryptionKeys,
        [property: JsonPropertyName("blindIndexKey")] string BlindIndexKey)
    {
        public static KeyFile New() => new("local-1",
            new Dictionary<string, string> { ["local-1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(PrivacyKeyBytes.Length)) },
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(PrivacyKeyBytes.Length)));
    }
}
