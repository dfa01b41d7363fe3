using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>A customer's newsletter subscription and suppressions, as their data export shows them.</summary>
public sealed record NewsletterExport(IReadOnlyList<NewsletterSubscriptionExport> Subscriptions, IReadOnlyList<SuppressionExport> Suppressions);

public sealed record NewsletterSubscriptionExport(
    string Email, SubscriberStatus Status, string? Language, string? Source, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? UnsubscribedAt);

public sealed record SuppressionExport(string? Email, IReadOnlyList<SuppressionRecord> Reasons);

/// <summary>
/// The audience's share of a customer's export (section <c>newsletter</c>) and erasure. It finds what it keeps about a
/// customer by the customer id those documents record (a subscription links the customer with the same address when it
/// is made or confirmed; an unsubscribe link names its customer). Erasing destroys each subscription's own data key and
/// deletes the subscription; suppression entries stay, so the address is still never mailed, but lose the address and
/// the customer id. Tests: AudiencePersonalDataTests, AudiencePersonalDataApiTests.
/// </summary>
public sealed class AudiencePersonalData(INewsletterSubscriberStore subscribers, ISuppressionList suppression, IPersonalDataVault vault)
    : IPersonalDataExportSection, IPersonalDataCleanup
{
    public string Name => "newsletter";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct)
    {
        var subscriptions = await subscribers.ListByCustomerAsync(customerId, ct);
        var suppressions = await suppression.ListByCustomerAsync(customerId, ct);
        if (subscriptions.Count == 0 && suppressions.Count == 0) return null;
        return new NewsletterExport(
            [.. subscriptions.Select(s => new NewsletterSubscriptionExport(s.Email, s.Status, s.Language, s.Source, s.CreatedAt, s.ConfirmedAt, s.UnsubscribedAt))],
            [.. suppressions.Select(s => new SuppressionExport(s.Email, s.Reasons))]);
    }

    public async Task CleanUpAsync(string customerId, CancellationToken ct)
    {
        foreach (var subscriber in await subscribers.ListByCustomerAsync(customerId, ct))
        {
            await vault.EraseAsync(DataOwner.MarketingContact(subscriber.DataOwnerId), ct);
            await subscribers.DeleteAsync(subscriber.Key, ct);
        }
        foreach (var entry in await suppression.ListByCustomerAsync(customerId, ct))
            if (entry.DataOwnerId is { } owner) await vault.EraseAsync(DataOwner.MarketingContact(owner), ct);
        await suppression.ForgetCustomerAsync(customerId, ct);
    }
}
