namespace Serverless.Shop.Domain.Privacy;

/// <summary>
/// Whose data key seals a personal value: a signed-in customer (their id, the token's subject) or, for a guest, the
/// order itself. Erasing an owner destroys that one key, and with it every value it sealed (docs/security.md).
/// </summary>
public sealed record DataOwner
{
    private DataOwner(string kind, string id)
    {
        Kind = kind;
        Id = id;
    }

    public const string CustomerKind = "customer";
    public const string GuestOrderKind = "guest-order";

    /// <summary>A newsletter subscription or a suppression entry: an email address the shop keeps apart from any customer (docs/marketing.md).</summary>
    public const string MarketingContactKind = "marketing-contact";

    /// <summary><see cref="CustomerKind"/>, <see cref="GuestOrderKind"/> or <see cref="MarketingContactKind"/>.</summary>
    public string Kind { get; }

    /// <summary>The customer id or the guest order's number.</summary>
    public string Id { get; }

    public static DataOwner Customer(string customerId) => new(CustomerKind, Require(customerId));

    public static DataOwner GuestOrder(string orderNumber) => new(GuestOrderKind, Require(orderNumber));

    /// <summary>The owner of one marketing contact document's address: its own key, erased when the document's person is.</summary>
    public static DataOwner MarketingContact(string contactOwnerId) => new(MarketingContactKind, Require(contactOwnerId));

    /// <summary>The owner a stored kind and id name (a data key document's), whichever kind it is.</summary>
    public static DataOwner Of(string kind, string id) => kind switch
    {
        GuestOrderKind => GuestOrder(id),
        MarketingContactKind => MarketingContact(id),
        _ => Customer(id),
    };

    /// <summary>The owner of an order's personal data: its customer, or the order itself for a guest.</summary>
    public static DataOwner OfOrder(string? customerId, string orderNumber) =>
        customerId is null ? GuestOrder(orderNumber) : Customer(customerId);

    private static string Require(string id) => string.IsNullOrWhiteSpace(id) ? throw new ArgumentException("An owner needs an id.", nameof(id)) : id;

    public override string ToString() => $"{Kind}:{Id}";
}

/// <summary>
/// One owner's data key, opened. Sealing is AES-GCM with the key's current version, which every sealed value records, so
/// values sealed with an older version still open after a rotation. Once the owner is erased, nothing opens: every
/// sealed value reads as <see cref="PersonalData.Erased"/>, and sealing writes that marker instead of a value.
/// </summary>
public interface IPersonalDataKey
{
    DataOwner Owner { get; }

    /// <summary>True when the owner was erased: the key is gone and nothing it sealed can be read again.</summary>
    bool IsErased { get; }

    /// <summary>The value, encrypted; null stays null.</summary>
    string? Seal(string? value);

    /// <summary>A value <see cref="Seal"/> made; <see cref="PersonalData.Erased"/> when the key is gone; null stays null.</summary>
    /// <exception cref="PersonalDataUnreadableException">The value was not sealed for this owner, or was altered.</exception>
    string? Unseal(string? sealedValue);
}

/// <summary>
/// The data keys of every owner of personal data, each wrapped by the key-encryption key, and the keyed blind index
/// lookups use instead of a plain email or phone number. Unavailable keys (no key-encryption key configured, or the
/// vault unreachable) throw <see cref="Common.NotConfiguredException"/>: the request answers 503 and writes nothing.
/// </summary>
public interface IPersonalDataVault
{
    /// <summary>The owner's key; with <paramref name="createIfMissing"/> an owner without one gets one (a first order).</summary>
    Task<IPersonalDataKey> OpenAsync(DataOwner owner, bool createIfMissing, CancellationToken ct);

    /// <summary>Destroys the owner's data key (crypto-shredding). True when there was a key to destroy; erasing twice is harmless.</summary>
    Task<bool> EraseAsync(DataOwner owner, CancellationToken ct);

    /// <summary>
    /// A keyed hash (HMAC-SHA256) of a normalised value, for finding documents by it without storing it. Equal inputs
    /// give equal indexes; without the index key nobody can compute one to test a guess.
    /// </summary>
    Task<string> BlindIndexAsync(BlindIndexKind kind, string value, CancellationToken ct);
}

/// <summary>What a blind index is of: each kind is normalised its own way and hashed apart from the others.</summary>
public enum BlindIndexKind { Email, Phone, Name }

public static class PersonalData
{
    /// <summary>What a personal field reads as once its owner was erased.</summary>
    public const string Erased = "[erased]";

    /// <summary>
    /// The form a value is indexed in: emails ignore case and surrounding spaces; phones keep only digits and a leading +;
    /// names ignore case, accents and how many spaces separate the words ("José  García" finds "jose garcia").
    /// </summary>
    public static string Normalise(BlindIndexKind kind, string value) => kind switch
    {
        BlindIndexKind.Name => NormaliseName(value),
        BlindIndexKind.Email => value.Trim().ToLowerInvariant(),
        BlindIndexKind.Phone => new string([.. value.Trim().Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0))]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string NormaliseName(string value)
    {
        var decomposed = value.Normalize(System.Text.NormalizationForm.FormD);
        var letters = decomposed.Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark);
        var words = new string([.. letters]).Normalize(System.Text.NormalizationForm.FormC).ToLowerInvariant()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words);
    }
}

/// <summary>A sealed value that cannot be opened with its owner's key: it belongs to someone else, or was altered.</summary>
public sealed class PersonalDataUnreadableException(string message) : Exception(message);
