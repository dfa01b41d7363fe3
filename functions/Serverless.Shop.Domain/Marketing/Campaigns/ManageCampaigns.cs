using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Audiences;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>Campaigns as marketers manage them: create, change while draft, schedule, cancel (docs/marketing.md#campaigns).</summary>
public sealed class ManageCampaigns(
    ICampaignStore store, CampaignContentSource content, IMarketingAudience audience, LoyaltySettings loyalty, TimeProvider clock)
{
    /// <summary>Where links point while a template is only checked (at save): the real address is used to preview and send.</summary>
    private static readonly Uri CheckingLinkBase = new("https://shop.invalid/");

    public async Task<Versioned<Campaign>> CreateAsync(CampaignInput input, Actor actor, CancellationToken ct)
    {
        var parts = await CheckAsync(input, ct);
        var now = clock.GetUtcNow();
        var campaign = new Campaign
        {
            Id = Ids.New("cmp"),
            Name = parts.Name, Audience = parts.Audience, Content = parts.Content, Products = parts.Products,
            PersonalOffer = parts.PersonalOffer, Recommendations = parts.Recommendations,
            Status = CampaignStatus.Draft, CreatedAt = now, UpdatedAt = now, UpdatedBy = actor.Id,
        };
        await CheckRendersAsync(campaign, ct);
        return new(campaign, await store.CreateAsync(campaign, ct));
    }

    public async Task<Versioned<Campaign>> GetAsync(string id, CancellationToken ct) =>
        (Ids.IsWellFormed(id) ? await store.FindAsync(id, ct) : null) ?? throw new ResourceNotFoundException("Campaign", id);

    public Task<Page<Campaign>> ListAsync(string? status, string? pageSize, string? continuationToken, CancellationToken ct)
    {
        var v = new Validator();
        CampaignStatus? parsed = null;
        if (!string.IsNullOrEmpty(status))
            parsed = v.Check(Enum.TryParse<CampaignStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s) && !char.IsDigit(status[0]), "status",
                "must be draft, scheduled, sending, sent or cancelled.") ? s : null;
        var page = PageRequest.Parse(pageSize, continuationToken, v);
        v.ThrowIfInvalid();
        return store.ListAsync(parsed, page, ct);
    }

    /// <summary>Replaces a draft's content and audience (If-Match required). Only a draft changes: cancel a scheduled one, or copy it.</summary>
    public async Task<Versioned<Campaign>> UpdateAsync(string id, CampaignInput input, string? ifMatch, Actor actor, CancellationToken ct)
    {
        if (ifMatch is null) throw new VersionRequiredException();
        var current = await GetAsync(id, ct);
        if (current.Version != ifMatch) throw new StaleVersionException("Campaign");
        if (current.Value.Status != CampaignStatus.Draft)
            throw new BusinessRuleViolationException($"Only a draft can be changed; this campaign is {Name(current.Value.Status)}.", "status");
        var parts = await CheckAsync(input, ct);
        var campaign = current.Value with
        {
            Name = parts.Name, Audience = parts.Audience, Content = parts.Content, Products = parts.Products,
            PersonalOffer = parts.PersonalOffer, Recommendations = parts.Recommendations,
            UpdatedAt = clock.GetUtcNow(), UpdatedBy = actor.Id,
        };
        await CheckRendersAsync(campaign, ct);
        return new(campaign, await store.ReplaceAsync(campaign, current.Version, ct));
    }

    /// <summary>
    /// Schedules a draft (or moves a scheduled campaign): once at <c>sendAt</c>, or on a cron schedule. Refused with 409
    /// when the audience holds nobody who may be emailed now (the count is in the answer), with 400 for a time in the
    /// past, a bad cron or time zone, or a template that does not render.
    /// </summary>
    public async Task<Versioned<Campaign>> ScheduleAsync(string id, ScheduleInput input, Actor actor, CancellationToken ct)
    {
        var current = await GetAsync(id, ct);
        if (current.Value.Status is not (CampaignStatus.Draft or CampaignStatus.Scheduled))
            throw new BusinessRuleViolationException($"Only a draft or scheduled campaign can be scheduled; this one is {Name(current.Value.Status)}.", "status");
        var now = clock.GetUtcNow();
        var v = new Validator();
        var (schedule, first) = CampaignRules.CheckSchedule(input, now, v);
        v.ThrowIfInvalid();
        await CheckRendersAsync(current.Value, ct);

        var reachable = await CountAsync(current.Value.Audience, ct);
        if (reachable == 0)
            throw new BusinessRuleViolationException(
                "The audience holds 0 people who may be emailed (consented and not suppressed): nobody would receive this campaign.", "audience");

        var campaign = current.Value with { Status = CampaignStatus.Scheduled, Schedule = schedule, NextSendAt = first, UpdatedAt = now, UpdatedBy = actor.Id };
        return new(campaign, await store.ReplaceAsync(campaign, current.Version, ct));
    }

    /// <summary>Cancels a campaign that is not sent yet; a send in progress stops before its next batch.</summary>
    public async Task<Versioned<Campaign>> CancelAsync(string id, Actor actor, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await GetAsync(id, ct);
            if (current.Value.Status == CampaignStatus.Cancelled) return current;
            if (current.Value.Status == CampaignStatus.Sent)
                throw new BusinessRuleViolationException("This campaign was sent; it can no longer be cancelled.", "status");
            var campaign = current.Value with { Status = CampaignStatus.Cancelled, NextSendAt = null, UpdatedAt = clock.GetUtcNow(), UpdatedBy = actor.Id };
            try
            {
                return new(campaign, await store.ReplaceAsync(campaign, current.Version, ct));
            }
            catch (StaleVersionException) when (attempt < 5)
            {
                // The sender moved the campaign on (a batch, an occurrence done): cancel what it is now.
            }
        }
    }

    /// <summary>How many people the audience holds who may be emailed now (stops counting at <paramref name="max"/>).</summary>
    public async Task<int> CountAsync(AudienceSpec spec, CancellationToken ct, int max = int.MaxValue)
    {
        var count = 0;
        await foreach (var _ in audience.ListAsync(spec, ct))
            if (++count >= max) break;
        return count;
    }

    private async Task<(string Name, AudienceSpec Audience, CampaignContent Content, ProductsBlock Products, bool PersonalOffer, int Recommendations)> CheckAsync(CampaignInput input, CancellationToken ct)
    {
        var v = new Validator();
        var parts = CampaignRules.Check(input, [.. loyalty.Segments.Select(s => s.Name).Distinct(StringComparer.Ordinal)], v);
        if (!v.HasErrorsUnder("products"))
        {
            var missing = await content.MissingProductsAsync(parts.Products.ProductIds, ct);
            for (var i = 0; i < parts.Products.ProductIds.Count; i++)
                if (missing.Contains(parts.Products.ProductIds[i])) v.Add($"products.productIds[{i}]", "is not a product of the catalog.");
        }
        v.ThrowIfInvalid();
        return parts;
    }

    /// <summary>
    /// Renders the templates for two sample recipients (one with a name, an offer and recommendations, one with none of
    /// them), so a template that fails for either kind of reader is refused now, at save or schedule, not found at send.
    /// </summary>
    private async Task CheckRendersAsync(Campaign campaign, CancellationToken ct)
    {
        var v = new Validator();
        CheckRenders(campaign, await content.ProductsAsync(campaign, ct), v);
        v.ThrowIfInvalid();
    }

    /// <summary>The render check of <see cref="CheckRendersAsync"/>, for anything that sends campaign templates (a flow's step: <paramref name="prefix"/> "steps[0].message").</summary>
    internal static void CheckRenders(Campaign campaign, IReadOnlyList<Product> products, Validator v, string prefix = "")
    {
        foreach (var sample in SampleRecipients(products))
        {
            try
            {
                CampaignTemplates.Render(campaign, products, sample, CheckingLinkBase);
            }
            catch (TemplateRenderException e)
            {
                var field = prefix.Length == 0 ? e.Field : $"{prefix}.{e.Field}";
                if (!v.HasErrorsUnder(field)) v.Add(field, e.Message);
            }
        }
    }

    internal static IEnumerable<TemplateRecipient> SampleRecipients(IReadOnlyList<Product> products) =>
    [
        new TemplateRecipient("Alex", "alex@example.com", SampleOffer, products),
        new TemplateRecipient(null, "reader@example.com", null, []),
    ];

    internal static readonly PersonalOffer SampleOffer = new("SAMPLE-OFFER", "offer-sample", "gold", 10m, [],
        new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2099, 12, 31, 0, 0, 0, TimeSpan.Zero));

    internal static string Name(CampaignStatus status) => status.ToString().ToLowerInvariant();
}
