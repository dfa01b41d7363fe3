using System.Net;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>
/// Newsletter sign-up with double opt-in. Subscribing stores the address pending (sealed, found by its blind index) and
/// emails a signed link; only following that link confirms, and only confirmed subscribers are ever in an audience.
/// Subscribing an address again sends at most one confirmation per <see cref="MarketingContacts.ConfirmationResendInterval"/>,
/// and every well-formed request gets the same answer, so the route reveals nothing about who is subscribed.
/// Tests: NewsletterSubscriptionTests (unit), NewsletterApiTests (HTTP).
/// </summary>
public sealed class NewsletterSubscriptions(
    INewsletterSubscriberStore subscribers, ISuppressionList suppression, ICustomerProfileStore profiles, IPersonalDataVault vault,
    MarketingLinkTokens tokens, MarketingLinkSettings links, IEmailSender email, TimeProvider clock,
    IEnumerable<INewsletterConfirmationFollower>? followers = null)
{
    private const int MaximumAttempts = 5;
    public const string ConfirmationPath = "newsletter/confirmations";

    public async Task<SubscriptionAccepted> SubscribeAsync(SubscriptionInput input, CancellationToken ct)
    {
        var v = new Validator();
        MarketingContacts.CheckEmail(input.Email, "email", v);
        MarketingContacts.CheckLanguage(input.Language, "language", v);
        MarketingContacts.CheckLabel(input.Source, MarketingContacts.MaximumSourceLength, "source", v);
        v.ThrowIfInvalid();
        var address = input.Email!.Trim();
        var key = await vault.BlindIndexAsync(BlindIndexKind.Email, address, ct);

        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var existing = await subscribers.FindAsync(key, ct);
            if (existing?.Value is { Status: SubscriberStatus.Confirmed }) return SubscriptionAccepted.ConfirmationSent;
            if (existing?.Value is { Status: SubscriberStatus.Pending, ConfirmationSentAt: { } sent } && sent + MarketingContacts.ConfirmationResendInterval > now)
                return SubscriptionAccepted.ConfirmationSent;

            var pending = (existing?.Value ?? new NewsletterSubscriber
            {
                Key = key, Email = address, DataOwnerId = Ids.New("nls"), Status = SubscriberStatus.Pending, CreatedAt = now,
            }) with
            {
                Email = address,
                Status = SubscriberStatus.Pending,
                Language = MarketingContacts.Clean(input.Language) ?? existing?.Value.Language,
                Source = MarketingContacts.Clean(input.Source) ?? existing?.Value.Source,
                CustomerId = existing?.Value.CustomerId ?? await CustomerWithAsync(address, ct),
                // Whole seconds: the link carries this moment, and only the link of the latest email confirms.
                ConfirmationSentAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()),
            };
            string version;
            try
            {
                // Claimed before sending: of two requests at once, only the one whose write wins sends.
                version = await subscribers.SaveAsync(pending, existing?.Version, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                continue;
            }

            try
            {
                await email.SendAsync(ConfirmationEmail(pending), ct);
            }
            catch
            {
                // Not sent: give the claim back, so the visitor can ask again at once rather than tomorrow.
                try { await subscribers.SaveAsync(pending with { ConfirmationSentAt = existing?.Value.ConfirmationSentAt }, version, CancellationToken.None); }
                catch (StaleVersionException) { }
                throw;
            }
            return SubscriptionAccepted.ConfirmationSent;
        }
    }

    /// <summary>
    /// Confirms the subscription the link names, if the link is the one of the latest confirmation email and has not
    /// expired. Confirming again is harmless. Opting in again takes the address off the suppression list for
    /// unsubscribing (a bounce or spam report stays until staff remove it).
    /// </summary>
    public async Task<SubscriptionConfirmed> ConfirmAsync(string? token, CancellationToken ct)
    {
        var link = tokens.ReadConfirmation(token);
        for (var attempt = 1; ; attempt++)
        {
            var found = await subscribers.FindAsync(link.Key, ct);
            if (found?.Value is not { } subscriber || subscriber.ConfirmationSentAt != link.SentAt || subscriber.Status == SubscriberStatus.Unsubscribed)
                throw ValidationFailedException.For("token", "This confirmation link was replaced by a newer one or no longer applies: use the latest email, or subscribe again.");
            if (subscriber is { Status: SubscriberStatus.Confirmed, ConfirmedAt: { } confirmedAt }) return new SubscriptionConfirmed("confirmed", confirmedAt);

            var now = clock.GetUtcNow();
            var confirmed = subscriber with
            {
                Status = SubscriberStatus.Confirmed, ConfirmedAt = now, UnsubscribedAt = null,
                CustomerId = subscriber.CustomerId ?? await CustomerWithAsync(subscriber.Email, ct),
            };
            try
            {
                await subscribers.SaveAsync(confirmed, found.Version, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                continue;
            }
            await suppression.RemoveReasonAsync(link.Key, SuppressionReason.Unsubscribe, ct);
            foreach (var follower in followers ?? []) await follower.SubscriberConfirmedAsync(confirmed, ct);
            return new SubscriptionConfirmed("confirmed", now);
        }
    }

    private async Task<string?> CustomerWithAsync(string address, CancellationToken ct) =>
        (await profiles.SearchAsync(new CustomerSearch(Email: address), 1, ct)).FirstOrDefault()?.CustomerId;

    private EmailMessage ConfirmationEmail(NewsletterSubscriber subscriber)
    {
        var token = tokens.Confirmation(new ConfirmationLink(subscriber.Key, subscriber.ConfirmationSentAt!.Value,
            subscriber.ConfirmationSentAt.Value + MarketingContacts.ConfirmationLinkLifetime));
        var url = links.Require($"{ConfirmationPath}?token={Uri.EscapeDataString(token)}").ToString();
        var text = $"""
            Please confirm that you want our newsletter at this address by opening this link:

            {url}

            The link works for {MarketingContacts.ConfirmationLinkLifetime.TotalDays:0} days. If you did not ask for the newsletter, ignore this email: nothing will be sent to you.
            """;
        var html = $"""
            <p>Please confirm that you want our newsletter at this address.</p>
            <p><a href="{WebUtility.HtmlEncode(url)}">Confirm my subscription</a></p>
            <p>The link works for {MarketingContacts.ConfirmationLinkLifetime.TotalDays:0} days. If you did not ask for the newsletter, ignore this email: nothing will be sent to you.</p>
            """;
        return new EmailMessage([subscriber.Email], "Confirm your newsletter subscription", text, html);
    }
}

/// <summary>Told once, when a subscriber confirms (the welcome series enrols them); a repeated confirmation tells nobody.</summary>
public interface INewsletterConfirmationFollower
{
    Task SubscriberConfirmedAsync(NewsletterSubscriber subscriber, CancellationToken ct);
}
