using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Infrastructure.Privacy;

/// <summary>
/// AES-256-GCM, as every key in the scheme uses it: a fresh 96-bit nonce per value, a 128-bit tag, and associated data
/// that binds the ciphertext to where it belongs (the owner and key version), so a sealed value copied onto another
/// owner's document does not open.
/// </summary>
internal static class AesGcmBox
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plain, ReadOnlySpan<byte> associated)
    {
        var output = new byte[NonceSize + plain.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), associated);
        return output;
    }

    /// <exception cref="CryptographicException">Wrong key, wrong associated data, or altered bytes.</exception>
    public static byte[] Open(byte[] key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associated)
    {
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("Too short to be sealed.");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[NonceSize..^TagSize], sealedBytes[^TagSize..], plain, associated);
        return plain;
    }
}

/// <summary>
/// One owner's data key versions, unwrapped, as <see cref="IPersonalDataKey"/>. A sealed value is
/// <c>pd:v{version}:{base64(nonce | ciphertext | tag)}</c>: the version says which key opens it.
/// </summary>
internal sealed class OpenedDataKey : IPersonalDataKey
{
    public const string Prefix = "pd:v";

    private readonly IReadOnlyDictionary<int, byte[]> _versions;
    private readonly int _current;

    private OpenedDataKey(DataOwner owner, IReadOnlyDictionary<int, byte[]> versions, int current)
    {
        Owner = owner;
        _versions = versions;
        _current = current;
    }

    public static OpenedDataKey Of(DataOwner owner, IReadOnlyDictionary<int, byte[]> versions, int current) => new(owner, versions, current);

    public static OpenedDataKey ErasedFor(DataOwner owner) => new(owner, new Dictionary<int, byte[]>(), 0);

    public DataOwner Owner { get; }

    public bool IsErased => _versions.Count == 0;

    /// <summary>The version new values are sealed with.</summary>
    public int CurrentVersion => _current;

    internal byte[] KeyOf(int version) => _versions[version];

    public string? Seal(string? value)
    {
        if (value is null) return null;
        // Nothing can be sealed for an erased owner; what is written in place of the value says so.
        if (IsErased) return PersonalData.Erased;
        var bytes = AesGcmBox.Seal(_versions[_current], Encoding.UTF8.GetBytes(value), Associated(_current));
        return Prefix + _current.ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToBase64String(bytes);
    }

    public string? Unseal(string? sealedValue)
    {
        if (sealedValue is null) return null;
        if (IsErased || sealedValue == PersonalData.Erased) return PersonalData.Erased;
        var (version, bytes) = Parse(sealedValue) ?? throw new PersonalDataUnreadableException($"A personal value of {Owner.Kind} is not in the sealed form.");
        if (!_versions.TryGetValue(version, out var key))
            throw new PersonalDataUnreadableException($"A personal value of {Owner.Kind} is sealed with key version {version}, which this owner does not have.");
        try
        {
            return Encoding.UTF8.GetString(AesGcmBox.Open(key, bytes, Associated(version)));
        }
        catch (CryptographicException)
        {
            throw new PersonalDataUnreadableException($"A personal value of {Owner.Kind} does not open with its key version {version}: it belongs to another owner or was altered.");
        }
    }

    /// <summary>The key version a sealed value names, or null when the text is not in the sealed form.</summary>
    public static int? VersionOf(string sealedValue) => Parse(sealedValue)?.Version;

    private static (int Version, byte[] Bytes)? Parse(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var colon = text.IndexOf(':', Prefix.Length);
        if (colon < 0 || !int.TryParse(text.AsSpan(Prefix.Length, colon - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version)) return null;
        try
        {
            return (version, Convert.FromBase64String(text[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private byte[] Associated(int version) => Encoding.UTF8.GetBytes($"{Owner.Kind}:{Owner.Id}:v{version}");
}
