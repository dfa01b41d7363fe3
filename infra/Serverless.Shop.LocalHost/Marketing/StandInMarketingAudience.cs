using System.Runtime.CompilerServices;
using System.Text.Json;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.LocalHost.Marketing;

/// <summary>
/// STAND-IN, local host only, until the audiences capability is merged: the audience ports campaigns send through
/// (IMarketingAudience, IUnsubscribeLinks, IEmailEngagementReader), read from a JSON file named by
/// <see cref="FileSetting"/> (none: an empty audience). Without the setting the local host registers it only for ports
/// nothing else provides, so the real audiences replace it; with it (the campaign tests) it replaces them. The file, read again on every call:
/// <c>{ "recipients": [{ "key", "email", "customerId", "firstName", "segments": [], "newsletter": true }], "suppressed": ["email"], "engagement": { "&lt;campaignId&gt;": { "delivered": 1, ... } } }</c>.
/// </summary>
public sealed class StandInMarketingAudience(string? file, Uri linkBase) : IMarketingAudience, IUnsubscribeLinks, IEmailEngagementReader
{
    public const string FileSetting = "LocalStandIn:MarketingAudienceFile";

    public bool HasFile => file is not null;

    public async IAsyncEnumerable<MarketingRecipient> ListAsync(AudienceSpec audience, [EnumeratorCancellation] CancellationToken ct)
    {
        var state = await ReadAsync(ct);
        var suppressed = state.Suppressed.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var r in state.Recipients.Where(r => !suppressed.Contains(r.Email))
                     .Where(r => (audience.NewsletterSubscribers && r.Newsletter) || r.Segments.Intersect(audience.Segments, StringComparer.Ordinal).Any())
                     .OrderBy(r => r.Key, StringComparer.Ordinal))
            yield return new MarketingRecipient(r.Key, r.Email, r.CustomerId, null, r.FirstName);
    }

    public async Task<bool> MaySendAsync(string email, CancellationToken ct)
    {
        var state = await ReadAsync(ct);
        return state.Recipients.Any(r => string.Equals(r.Email, email, StringComparison.OrdinalIgnoreCase))
            && !state.Suppressed.Contains(email, StringComparer.OrdinalIgnoreCase);
    }

    public Uri For(MarketingRecipient recipient, string? campaignId) =>
        new(linkBase, $"api/marketing/unsubscribe?r={Uri.EscapeDataString(recipient.Key)}&c={Uri.EscapeDataString(campaignId ?? "")}");

    public async Task<EmailEngagement> ReadAsync(string campaignId, CancellationToken ct) =>
        (await ReadAsync(ct)).Engagement.GetValueOrDefault(campaignId) ?? EmailEngagement.None;

    private async Task<StandInFile> ReadAsync(CancellationToken ct)
    {
        if (file is null || !File.Exists(file)) return new StandInFile([], [], new Dictionary<string, EmailEngagement>());
        await using var stream = File.OpenRead(file);
        return await JsonSerializer.DeserializeAsync<StandInFile>(stream, ShopJson.Options, ct) ?? new StandInFile([], [], new Dictionary<string, EmailEngagement>());
    }

    public sealed record StandInRecipient(string Key, string Email, string? CustomerId, string? FirstName, IReadOnlyList<string> Segments, bool Newsletter);

    public sealed record StandInFile(IReadOnlyList<StandInRecipient> Recipients, IReadOnlyList<string> Suppressed, IReadOnlyDictionary<string, EmailEngagement> Engagement);
}
