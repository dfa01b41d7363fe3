using System.Net.Mail;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Audiences;

public enum SubscriberStatus { Pending, Confirmed, Unsubscribed }

/// <summary>
/// Someone who asked for the newsletter with an email address. Marketing reaches them only once they <see
/// cref="SubscriberStatus.Confirmed"/> by the link in the confirmation email (double opt-in). <see cref="Key"/> is the
/// address's blind index; the address itself is sealed at rest with the subscription's own data key (<see
/// cref="DataOwnerId"/>), so erasing the person destroys it.
/// </summary>
public sealed record NewsletterSubscriber
{
    public required string Key { get; init; }
    public required string Email { get; init; }
    public required string DataOwnerId { get; init; }
    public required SubscriberStatus Status { get; init; }
    public string? Language { get; init; }

    /// <summary>Where the visitor subscribed (a footer form, a landing page), as the client said.</summary>
    public string? Source { get; init; }

    /// <summary>The customer with the same address when there was one at subscription or confirmation.</summary>
    public string? CustomerId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last confirmation email went out; the link it carries names this moment, so an older link no longer confirms.</summary>
    public DateTimeOffset? ConfirmationSentAt { get; init; }

    public DateTimeOffset? ConfirmedAt { get; init; }
    public DateTimeOffset? UnsubscribedAt { get; init; }
}

/// <param name="Email">Required: the address to confirm.</param>
/// <param name="Language">A language tag such as <c>nl</c> or <c>en-GB</c>, for the emails.</param>
/// <param name="Source">Where the visitor subscribed, e.g. <c>footer</c>.</param>
public sealed record SubscriptionInput(string? Email, string? Language = null, string? Source = null);

/// <summary>
/// The answer to every well-formed subscription, whether the address was new, pending or already confirmed: the page
/// never tells a visitor whether someone else's address is on the list.
/// </summary>
public sealed record SubscriptionAccepted(string Status, string Detail)
{
    public static readonly SubscriptionAccepted ConfirmationSent = new("confirmation-sent",
        "If the address can receive the newsletter, a confirmation email is on its way: follow its link to subscribe.");
}

public sealed record SubscriptionConfirmed(string Status, DateTimeOffset ConfirmedAt);

/// <summary>Why an address is on the suppression list.</summary>
public enum SuppressionReason
{
    /// <summary>The person unsubscribed (the link in an email, or SendGrid's unsubscribe and group unsubscribe events).</summary>
    Unsubscribe,
    /// <summary>The address bounced.</summary>
    Bounce,
    /// <summary>SendGrid dropped the message (an invalid address, or one SendGrid itself suppresses).</summary>
    Dropped,
    /// <summary>The person marked an email as spam.</summary>
    SpamReport,
    /// <summary>Staff added the address by hand.</summary>
    Staff,
}

/// <summary>One reason an address is suppressed: what, when, and what told the shop (a campaign id, a staff member, the link).</summary>
public sealed record SuppressionRecord(SuppressionReason Reason, DateTimeOffset At, string? Source);

/// <summary>
/// An address no marketing email goes to, whatever its consents. Found by <see cref="Key"/> (the address's blind index);
/// the address is kept sealed (with <see cref="DataOwnerId"/>'s key) only when the shop knew it, for admins to read.
/// </summary>
public sealed record SuppressionEntry
{
    public required string Key { get; init; }
    public string? Email { get; init; }
    public string? DataOwnerId { get; init; }
    public string? CustomerId { get; init; }
    public required IReadOnlyList<SuppressionRecord> Reasons { get; init; }

    /// <summary>The id staff see and remove it by: the key in hexadecimal (no address in it).</summary>
    public string Id => MarketingContacts.IdOf(Key);
}

/// <param name="Email">Required: the address to suppress.</param>
/// <param name="Note">Why, for the other staff (kept as the record's source).</param>
public sealed record SuppressionInput(string? Email, string? Note = null);

/// <summary>A suppression as staff see it: the address only for admins.</summary>
public sealed record SuppressionView(string Id, string? Email, IReadOnlyList<SuppressionRecord> Reasons);

/// <summary>The suppression list's counts by reason (an address with two reasons counts under both), and one page of it.</summary>
public sealed record SuppressionListView(int Total, IReadOnlyDictionary<string, int> ByReason, IReadOnlyList<SuppressionView> Items, string? ContinuationToken);

/// <summary>The rules shared by every address the marketing audience takes in.</summary>
public static partial class MarketingContacts
{
    public const int MaximumEmailLength = 254;
    public const int MaximumSourceLength = 60;
    public const int MaximumNoteLength = 200;

    /// <summary>How long a confirmation link works.</summary>
    public static readonly TimeSpan ConfirmationLinkLifetime = TimeSpan.FromDays(3);

    /// <summary>At most one confirmation email per address in this long, however often someone subscribes it.</summary>
    public static readonly TimeSpan ConfirmationResendInterval = TimeSpan.FromDays(1);

    public static void CheckEmail(string? email, string field, Validator v)
    {
        if (!v.Required(email, field)) return;
        var trimmed = email!.Trim();
        v.Check(trimmed.Length <= MaximumEmailLength && MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed && parsed.Host.Contains('.'),
            field, "must be an email address such as name@example.com.");
    }

    public static void CheckLanguage(string? language, string field, Validator v)
    {
        if (language is not null)
            v.Check(language.Length <= 35 && LanguageTag().IsMatch(language.Trim()), field, "must be a language tag such as nl, en or en-GB.");
    }

    public static void CheckLabel(string? text, int max, string field, Validator v)
    {
        if (text is not null)
            v.Check(text.Trim().Length is > 0 && text.Trim().Length <= max && !text.Any(char.IsControl), field, $"must be 1 to {max} characters without line breaks.");
    }

    /// <summary>The key (a base64 blind index) in hexadecimal: safe in a URL and a Cosmos DB id, and no address in it.</summary>
    public static string IdOf(string key) => Convert.ToHexStringLower(Convert.FromBase64String(key));

    /// <summary>The key an id stands for; null when the id is not one <see cref="IdOf"/> made.</summary>
    public static string? KeyOf(string? id)
    {
        if (id is not { Length: 64 } || !id.All(char.IsAsciiHexDigit)) return null;
        return Convert.ToBase64String(Convert.FromHexString(id));
    }

    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();
}
