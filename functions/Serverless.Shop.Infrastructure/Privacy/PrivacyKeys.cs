using Azure;
using Azure.Security.KeyVault.Secrets;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Privacy;

/// <summary>A key-encryption key (KEK): 256 bits that wrap data keys, and the version that names it in every wrapped key.</summary>
public sealed record KeyEncryptionKey(string Version, byte[] Key);

/// <summary>
/// Where the two root keys of personal-data protection come from: the key-encryption key (current and earlier versions,
/// so data keys wrapped before a rotation still unwrap) and the blind-index key. In Azure that is Key Vault
/// (<see cref="KeyVaultPrivacyKeySource"/>); locally a key file the local host creates and registers, and only it.
/// </summary>
public interface IPrivacyKeySource
{
    Task<KeyEncryptionKey> ReadCurrentKeyEncryptionKeyAsync(CancellationToken ct);

    Task<KeyEncryptionKey> ReadKeyEncryptionKeyAsync(string version, CancellationToken ct);

    Task<byte[]> ReadBlindIndexKeyAsync(CancellationToken ct);
}

/// <summary>
/// The keys as Key Vault secrets, read with the app's managed identity (no key or connection string): the KEK is the
/// secret <see cref="KeyEncryptionKeySecret"/> (its Key Vault version is the KEK version; a new version of the secret
/// is a KEK rotation) and the blind-index key the secret <see cref="BlindIndexKeySecret"/>. Each value is 32 random
/// bytes in base64 (docs/deployment.md says how to create them).
/// </summary>
public sealed class KeyVaultPrivacyKeySource(SecretClient secrets) : IPrivacyKeySource
{
    public const string KeyEncryptionKeySecret = "privacy-kek";
    public const string BlindIndexKeySecret = "privacy-blind-index-key";

    public async Task<KeyEncryptionKey> ReadCurrentKeyEncryptionKeyAsync(CancellationToken ct)
    {
        var secret = await ReadAsync(KeyEncryptionKeySecret, null, ct);
        return new KeyEncryptionKey(secret.Properties.Version, PrivacyKeyBytes.Parse(secret.Value, KeyEncryptionKeySecret));
    }

    public async Task<KeyEncryptionKey> ReadKeyEncryptionKeyAsync(string version, CancellationToken ct)
    {
        var secret = await ReadAsync(KeyEncryptionKeySecret, version, ct);
        return new KeyEncryptionKey(secret.Properties.Version, PrivacyKeyBytes.Parse(secret.Value, KeyEncryptionKeySecret));
    }

    public async Task<byte[]> ReadBlindIndexKeyAsync(CancellationToken ct) =>
        PrivacyKeyBytes.Parse((await ReadAsync(BlindIndexKeySecret, null, ct)).Value, BlindIndexKeySecret);

    private async Task<KeyVaultSecret> ReadAsync(string name, string? version, CancellationToken ct)
    {
        try
        {
            return (await secrets.GetSecretAsync(name, version, ct)).Value;
        }
        catch (RequestFailedException e)
        {
            throw new NotConfiguredException(
                $"The Key Vault secret '{name}'{(version is null ? "" : $" (version {version})")} could not be read ({e.Status}, {e.ErrorCode}): check that it exists and that the app's identity has Key Vault Secrets User. See docs/security.md.");
        }
    }
}

/// <summary>No key source is configured (Privacy:KeyVaultUri not set, and no local host to give a key file): every use refuses.</summary>
public sealed class MissingPrivacyKeySource : IPrivacyKeySource
{
    public const string Message = $"{PrivacySettings.KeyVaultUriSetting} is not set, so personal data can be neither sealed nor read; the request was refused and nothing was recorded. See docs/security.md.";

    public Task<KeyEncryptionKey> ReadCurrentKeyEncryptionKeyAsync(CancellationToken ct) => throw new NotConfiguredException(Message);

    public Task<KeyEncryptionKey> ReadKeyEncryptionKeyAsync(string version, CancellationToken ct) => throw new NotConfiguredException(Message);

    public Task<byte[]> ReadBlindIndexKeyAsync(CancellationToken ct) => throw new NotConfiguredException(Message);
}

public static class PrivacyKeyBytes
{
    public const int Length = 32;

    /// <summary>A key as stored: base64 of exactly 32 bytes; anything else is refused (a short or guessable key never seals anything).</summary>
    /// <exception cref="NotConfiguredException">The value is not base64 of 32 bytes.</exception>
    public static byte[] Parse(string? base64, string name)
    {
        var buffer = new byte[Length + 1];
        if (string.IsNullOrWhiteSpace(base64) || !Convert.TryFromBase64String(base64.Trim(), buffer, out var written) || written != Length)
            throw new NotConfiguredException($"The key '{name}' is not base64 of {Length} random bytes. See docs/security.md.");
        return buffer[..Length];
    }
}
