using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>
/// Staff's view of the suppression list: counts by reason and the entries with their reasons; the addresses only for
/// admins (a marketer sees ids). Staff add an address by hand (reason <see cref="SuppressionReason.Staff"/>) and remove
/// an entry by id. Tests: SuppressionApiTests.
/// </summary>
public sealed class ManageSuppressions(ISuppressionList suppression, IPersonalDataVault vault, TimeProvider clock)
{
    public async Task<SuppressionListView> ListAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        var (total, byReason) = await suppression.CountAsync(ct);
        var entries = await suppression.ListAsync(page, ct);
        var showAddresses = actor.IsInAnyRole([ShopRoles.Admin]);
        return new SuppressionListView(total,
            Enum.GetValues<SuppressionReason>().ToDictionary(r => ReasonName(r), r => byReason.GetValueOrDefault(r)),
            [.. entries.Items.Select(e => new SuppressionView(e.Id, showAddresses ? e.Email : null, e.Reasons))],
            entries.ContinuationToken);
    }

    public async Task<SuppressionView> AddAsync(SuppressionInput input, Actor actor, CancellationToken ct)
    {
        var v = new Validator();
        MarketingContacts.CheckEmail(input.Email, "email", v);
        MarketingContacts.CheckLabel(input.Note, MarketingContacts.MaximumNoteLength, "note", v);
        v.ThrowIfInvalid();
        var address = input.Email!.Trim();
        var key = await vault.BlindIndexAsync(BlindIndexKind.Email, address, ct);
        var source = MarketingContacts.Clean(input.Note) is { } note ? $"{actor.Id}: {note}" : actor.Id;
        await suppression.AddAsync(key, address, null, new SuppressionRecord(SuppressionReason.Staff, clock.GetUtcNow(), source), ct);
        var entry = await suppression.FindAsync(key, ct) ?? throw new InvalidOperationException("The suppression just written cannot be read.");
        return new SuppressionView(entry.Id, address, entry.Reasons);
    }

    /// <exception cref="ResourceNotFoundException">No entry has that id.</exception>
    public async Task RemoveAsync(string id, CancellationToken ct)
    {
        if (MarketingContacts.KeyOf(id) is not { } key || !await suppression.RemoveAsync(key, ct))
            throw new ResourceNotFoundException("Suppression", id);
    }

    /// <summary>The reason as the API names it: camelCase, as the shop's JSON writes enums.</summary>
    public static string ReasonName(SuppressionReason reason) => char.ToLowerInvariant(reason.ToString()[0]) + reason.ToString()[1..];
}
