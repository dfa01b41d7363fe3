using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>A local customer account, as the simulator keeps it (the password only as a salted PBKDF2 hash).</summary>
public sealed record LocalCustomerAccount(string Id, string Email, string Name, string PasswordSalt, string PasswordHash, bool EmailVerified,
    string? VerificationTokenHash, DateTimeOffset VerificationExpiresAt, DateTimeOffset CreatedAt);

/// <summary>The email was never verified: no token until it is.</summary>
public sealed class EmailNotVerifiedException(string email) : Exception($"{email} is not verified yet: open the link in the email we sent (locally, the newest .eml in the mailbox folder).");

/// <summary>Wrong email or password (one answer for both, as an identity provider gives).</summary>
public sealed class InvalidCredentialsException() : Exception("The email or the password is wrong.");

/// <summary>
/// The local stand-in for Microsoft Entra External ID's email-with-password user flow: sign up (email, name,
/// password), verify the email through a one-time link, sign in, and get an access token with the claims External ID
/// sends (iss, aud, sub, oid, tid, ver, azp, scp, name, email) plus <c>email_verified</c>, signed (RS256) with a key that
/// only the local host makes the app trust (<see cref="LocalCustomerTokenSigningKey"/>). Accounts and the key live in
/// files under the data directory, so they survive a restart; without one (tests), in memory.
/// Tests: LocalCustomerIdentityTests.
/// </summary>
public sealed class LocalCustomerIdentity
{
    /// <summary>The local "tenant" id the tokens carry as <c>tid</c>.</summary>
    public const string TenantId = "00000000-0000-4000-8000-00000000c1a0";
    public const string StorefrontClientId = "serverless-shop-local-storefront-app";
    public const int MinimumPasswordLength = 8;
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(8);
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromDays(1);
    private const int Pbkdf2Iterations = 100_000;

    private readonly Lock _lock = new();
    private readonly string? _stateFile;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, LocalCustomerAccount> _byEmail = new(StringComparer.Ordinal);

    public LocalCustomerIdentity(string? directory, TimeProvider clock)
    {
        _clock = clock;
        var rsa = RSA.Create(2048);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            _stateFile = Path.Combine(directory, "accounts.json");
            var keyFile = Path.Combine(directory, "signing-key.pem");
            if (File.Exists(keyFile)) rsa.ImportFromPem(File.ReadAllText(keyFile));
            else File.WriteAllText(keyFile, rsa.ExportRSAPrivateKeyPem());
            if (File.Exists(_stateFile))
                foreach (var account in JsonSerializer.Deserialize<List<LocalCustomerAccount>>(File.ReadAllText(_stateFile)) ?? [])
                    _byEmail[account.Email] = account;
        }
        SigningKey = new LocalCustomerTokenSigningKey(new RsaSecurityKey(rsa) { KeyId = "local-customers-1" });
    }

    public LocalCustomerTokenSigningKey SigningKey { get; }

    /// <summary>Creates an unverified account and returns it with the one-time verification token (to put in a link).</summary>
    public (LocalCustomerAccount Account, string VerificationToken) SignUp(string? email, string? name, string? password)
    {
        var validator = new Validator();
        var normalized = Normalize(email);
        validator.Check(normalized is not null, "email", "must be an email address.");
        validator.Check(!string.IsNullOrWhiteSpace(name) && name.Trim().Length <= 100, "name", "is required, up to 100 characters.");
        validator.Check(password is { Length: >= MinimumPasswordLength and <= 200 }, "password", $"must be {MinimumPasswordLength} to 200 characters.");
        validator.ThrowIfInvalid();

        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var salt = RandomNumberGenerator.GetBytes(16);
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (_byEmail.ContainsKey(normalized!)) throw new DuplicateResourceException("email", "An account with this email exists: sign in instead.");
            var account = new LocalCustomerAccount(Guid.NewGuid().ToString(), normalized!, name!.Trim(), Convert.ToBase64String(salt),
                Convert.ToBase64String(Hash(password!, salt)), EmailVerified: false, Sha256(token), now + VerificationLifetime, now);
            _byEmail[account.Email] = account;
            Save();
            return (account, token);
        }
    }

    /// <summary>Marks the account of this one-time token verified; null when no account waits for it (wrong, used or expired).</summary>
    public LocalCustomerAccount? Verify(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var hash = Sha256(token);
        lock (_lock)
        {
            var account = _byEmail.Values.FirstOrDefault(a => a.VerificationTokenHash is { } h && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), Encoding.ASCII.GetBytes(hash)));
            if (account is null || account.VerificationExpiresAt < _clock.GetUtcNow()) return null;
            var verified = account with { EmailVerified = true, VerificationTokenHash = null };
            _byEmail[account.Email] = verified;
            Save();
            return verified;
        }
    }

    /// <summary>An access token for a verified account with this email and password.</summary>
    public string SignIn(string? email, string? password)
    {
        LocalCustomerAccount? account;
        lock (_lock) account = Normalize(email) is { } e && _byEmail.TryGetValue(e, out var found) ? found : null;
        if (account is null || password is null ||
            !CryptographicOperations.FixedTimeEquals(Hash(password, Convert.FromBase64String(account.PasswordSalt)), Convert.FromBase64String(account.PasswordHash)))
            throw new InvalidCredentialsException();
        if (!account.EmailVerified) throw new EmailNotVerifiedException(account.Email);

        var now = _clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = LocalCustomerTokenSigningKey.Issuer,
            Audience = LocalCustomerTokenSigningKey.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + TokenLifetime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = account.Id, ["oid"] = account.Id, ["tid"] = TenantId, ["ver"] = "2.0", ["azp"] = StorefrontClientId, ["scp"] = "access_as_user",
                ["name"] = account.Name, ["email"] = account.Email, ["email_verified"] = true,
            },
            SigningCredentials = new SigningCredentials(SigningKey.Key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>Deletes the account with this id (the tokens' <c>oid</c>), as erasing a customer does in External ID; false when there is none.</summary>
    public bool Delete(string id)
    {
        lock (_lock)
        {
            if (_byEmail.Values.FirstOrDefault(a => a.Id == id) is not { } account) return false;
            _byEmail.Remove(account.Email);
            Save();
            return true;
        }
    }

    public LocalCustomerAccount? Find(string email)
    {
        lock (_lock) return Normalize(email) is { } e && _byEmail.TryGetValue(e, out var account) ? account : null;
    }

    private static string? Normalize(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254) return null;
        var trimmed = email.Trim();
        return MailAddress.TryCreate(trimmed, out var address) && address.Address == trimmed && trimmed.Contains('.', StringComparison.Ordinal)
            ? trimmed.ToLowerInvariant()
            : null;
    }

    private static byte[] Hash(string password, byte[] salt) => Rfc2898DeriveBytes.Pbkdf2(password, salt, Pbkdf2Iterations, HashAlgorithmName.SHA256, 32);

    private static string Sha256(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    // Written whole to a temporary file, then moved over the old one, so a crash never leaves half a file.
    private void Save()
    {
        if (_stateFile is null) return;
        var temporary = _stateFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_byEmail.Values.OrderBy(a => a.CreatedAt).ToList()));
        File.Move(temporary, _stateFile, overwrite: true);
    }
}
