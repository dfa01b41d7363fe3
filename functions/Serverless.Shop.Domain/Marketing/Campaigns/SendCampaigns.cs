using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>What one run of the sender did.</summary>
public sealed record CampaignSendRun(int Campaigns, int Batches, int Recipients, IReadOnlyList<string> Failures);

/// <summary>
/// Sends due campaigns in batches, throttled, resumable and at most once per recipient and occurrence
/// (docs/marketing.md#sending). For each batch: the next recipients after the last claimed batch (in the audience's key
/// order) are rendered, then the batch is claimed by creating its numbered document in Cosmos DB (one creator wins), then
/// each recipient's consent is checked again, then the batch goes to the email provider, then it is marked sent. A run
/// killed between claim and send leaves that batch claimed: a restart carries on after it, so its people may miss the
/// email but never get it twice. Tests: SendCampaignsTests, CampaignSendCrashTests.
/// </summary>
public sealed class SendCampaigns(
    ICampaignStore store, CampaignContentSource content, IMarketingAudience audience, IUnsubscribeLinks unsubscribe,
    IBulkEmailSender sender, CampaignSettings settings, StorefrontSite storefront, TimeProvider clock)
{
    public const int MaximumCampaignsPerRun = 50;

    /// <summary>Sends every due campaign (scheduled and due, or left sending) until the run's budget is spent; the next run carries on.</summary>
    public async Task<CampaignSendRun> SendDueAsync(CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + settings.RunBudget;
        var ids = await store.ListDueAsync(clock.GetUtcNow(), MaximumCampaignsPerRun, ct);
        int batches = 0, recipients = 0;
        var failures = new List<string>();
        foreach (var id in ids)
        {
            if (clock.GetUtcNow() >= deadline) break;
            try
            {
                var (b, r) = await SendAsync(id, deadline, ct);
                batches += b;
                recipients += r;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One campaign's failure (a provider outage, a template that stopped rendering) does not hold up the others.
                failures.Add($"{id}: {e.Message}");
            }
        }
        return new CampaignSendRun(ids.Count, batches, recipients, failures);
    }

    /// <summary>Sends batches of one campaign until it is done, cancelled, or the deadline comes. Returns the batches and recipients it sent.</summary>
    public async Task<(int Batches, int Recipients)> SendAsync(string campaignId, DateTimeOffset deadline, CancellationToken ct)
    {
        var linkBase = storefront.Settings.PublicBaseUrl; // not configured: NotConfiguredException, before anyone is claimed
        int batches = 0, recipients = 0;
        IReadOnlyList<Catalog.Product>? products = null;
        string? productsFor = null;
        List<MarketingRecipient>? listed = null;
        (string, int?)? listedFor = null;
        while (clock.GetUtcNow() < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (await store.FindAsync(campaignId, ct) is not { } current) break;
            var campaign = current.Value;
            var now = clock.GetUtcNow();
            if (campaign.Status == CampaignStatus.Scheduled && campaign.NextSendAt <= now)
            {
                await TryReplaceAsync(campaign with { Status = CampaignStatus.Sending, CurrentOccurrence = campaign.NextSendAt, NextSendAt = null }, current.Version, ct);
                continue;
            }
            if (campaign.Status != CampaignStatus.Sending || campaign.CurrentOccurrence is not { } occurrence) break;

            var key = CampaignRules.OccurrenceKey(occurrence);
            var last = await store.FindLastBatchAsync(campaignId, key, ct);
            // The recipients after the last batch, listed once per batch: kept while the throttle waits (the campaign
            // and its last batch are read again after the wait; consent is checked again just before the send).
            var after = (key, last?.Number);
            if (listed is null || listedFor != after)
            {
                listed = await NextRecipientsAsync(campaign.Audience, last?.LastKey, ct);
                listedFor = after;
            }
            var next = listed;
            if (next.Count == 0)
            {
                await CompleteAsync(campaign, occurrence, current.Version, ct);
                continue;
            }
            if (last is not null && last.ClaimedAt + settings.BatchInterval > now)
            {
                // The throttle: the next batch of this campaign may be claimed only an interval after the last one.
                var wait = last.ClaimedAt + settings.BatchInterval - now;
                if (now + wait >= deadline) break;
                await Task.Delay(wait, clock, ct);
                continue;
            }

            if (productsFor != key)
            {
                products = await content.ProductsAsync(campaign, ct);
                productsFor = key;
            }
            var emails = await RenderAsync(campaign, products!, next, linkBase, ct);
            var batch = new CampaignBatch(campaignId, key, (last?.Number ?? -1) + 1, last?.LastKey, next[^1].Key, next.Count, clock.GetUtcNow());
            if (!await store.TryClaimAsync(batch, ct)) continue; // another sender claimed this number: carry on after its batch

            var (delivered, suppressed) = await SendBatchAsync(campaign, batch, next, emails, ct);
            await store.MarkSentAsync(batch with { Sent = true, Delivered = delivered, Suppressed = suppressed, SentAt = clock.GetUtcNow() }, ct);
            batches++;
            recipients += delivered;
        }
        return (batches, recipients);
    }

    /// <summary>The next batch of recipients after <paramref name="afterKey"/>, in the audience's key order (ordinal).</summary>
    private async Task<List<MarketingRecipient>> NextRecipientsAsync(AudienceSpec spec, string? afterKey, CancellationToken ct)
    {
        var next = new List<MarketingRecipient>(Math.Min(settings.BatchSize, 1024));
        await foreach (var recipient in audience.ListAsync(spec, afterKey, ct))
        {
            // The port starts after the key; checking again keeps the claim ranges apart even if an implementation slips.
            if (afterKey is not null && string.CompareOrdinal(recipient.Key, afterKey) <= 0) continue;
            next.Add(recipient);
            if (next.Count >= settings.BatchSize) break;
        }
        // The port promises key order; sorting again keeps the claim ranges apart even if an implementation slips.
        next.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return next;
    }

    // Rendered before the claim: a template that fails for someone stops the send with nobody claimed.
    private async Task<IReadOnlyList<RenderedEmail>> RenderAsync(Campaign campaign, IReadOnlyList<Catalog.Product> products, IReadOnlyList<MarketingRecipient> recipients, Uri linkBase, CancellationToken ct)
    {
        var cache = new RecommendationCache();
        var rendered = new List<RenderedEmail>(recipients.Count);
        foreach (var r in recipients)
            rendered.Add(CampaignTemplates.Render(campaign, products, await content.RecipientAsync(campaign, r.FirstName, r.Email, r.CustomerId, cache, ct), linkBase));
        return rendered;
    }

    private async Task<(int Delivered, int Suppressed)> SendBatchAsync(
        Campaign campaign, CampaignBatch batch, IReadOnlyList<MarketingRecipient> recipients, IReadOnlyList<RenderedEmail> emails, CancellationToken ct)
    {
        // Consent and suppression are checked again just before the send: someone may have unsubscribed since the listing.
        var allowed = new List<(MarketingRecipient Recipient, RenderedEmail Email)>();
        for (var i = 0; i < recipients.Count; i++)
            if (await audience.MaySendAsync(recipients[i].Email, ct)) allowed.Add((recipients[i], emails[i]));

        // Recipients whose email came out the same share one request (SendGrid: one personalization each).
        var requests = allowed.GroupBy(a => a.Email)
            .SelectMany(group => group.Chunk(Math.Max(1, sender.MaxRecipientsPerRequest)).Select(chunk =>
                new MarketingEmail(campaign.Id, batch.Number, group.Key.Subject, group.Key.Html, group.Key.Text, [.. chunk.Select(a => Personal(campaign, a.Recipient))])))
            .ToList();
        for (var i = 0; i < requests.Count; i++)
        {
            try
            {
                await sender.SendAsync(requests[i], ct);
            }
            catch (BulkSendRefusedException) when (i == 0)
            {
                // The provider refused the batch's first request: nobody in the batch was mailed, so the claim is given
                // back and the next run sends the batch again. Without an answer (a timeout, a kill) the claim stays:
                // those people may miss this email, but never get it twice.
                await store.ReleaseAsync(batch, ct);
                throw;
            }
        }
        return (allowed.Count, recipients.Count - allowed.Count);
    }

    private MarketingRecipientEmail Personal(Campaign campaign, MarketingRecipient recipient)
    {
        var link = unsubscribe.For(recipient, campaign.Id);
        return new MarketingRecipientEmail(recipient.Email, link,
            new Dictionary<string, string> { [CampaignTemplates.UnsubscribeTag] = link.AbsoluteUri },
            new Dictionary<string, string> { [EmailCustomArgs.CampaignId] = campaign.Id, [EmailCustomArgs.RecipientKey] = recipient.Key });
    }

    /// <summary>The occurrence is sent: a one-off campaign is sent; a recurring one is scheduled for its next occurrence after now (missed ones are skipped, not sent late in a row).</summary>
    private async Task CompleteAsync(Campaign campaign, DateTimeOffset occurrence, string version, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var sent = campaign.SentOccurrences.Append(occurrence).ToList();
        var next = campaign.Schedule is { IsRecurring: true } schedule ? CampaignRules.NextOccurrence(schedule, occurrence > now ? occurrence : now) : null;
        await TryReplaceAsync(campaign with
        {
            Status = next is null ? CampaignStatus.Sent : CampaignStatus.Scheduled,
            CurrentOccurrence = null, NextSendAt = next, SentOccurrences = sent, UpdatedAt = now, UpdatedBy = "system:campaign-sender",
        }, version, ct);
    }

    // Another sender (or a marketer cancelling) changed the campaign first: the loop reads it again and goes on from there.
    private async Task TryReplaceAsync(Campaign campaign, string version, CancellationToken ct)
    {
        try { await store.ReplaceAsync(campaign, version, ct); }
        catch (StaleVersionException) { }
    }
}
