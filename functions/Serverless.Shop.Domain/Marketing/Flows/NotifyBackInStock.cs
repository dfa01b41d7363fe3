using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>What one run of the back-in-stock flow did.</summary>
/// <param name="Sent">Emails sent.</param>
/// <param name="Waiting">Requests whose variant is back but whose step delay has not passed yet.</param>
/// <param name="Skipped">Requests dropped without an email, by reason (suppressed address, erased owner ...).</param>
/// <param name="Changed">Requests another run changed or took first: nothing sent for them here.</param>
/// <param name="SkusRead">Distinct SKUs whose stock the run read (each once).</param>
public sealed record BackInStockRun(bool Enabled, int Sent, int Waiting, IReadOnlyDictionary<string, int> Skipped, int Changed, int SkusRead);

/// <summary>
/// The back-in-stock flow (a timer runs it; off until a marketer switches it on): every request whose variant has
/// units available to sell again gets one email, its step's delay after a run first saw the stock, naming the product
/// with its link and image. The stock is read once per SKU per run (a page of requests at a time, one read for the new
/// SKUs on the page); the suppression list once per page. An address on the suppression list is never mailed (the
/// request is the consent for this one email, so marketing consent is not asked for; a suppression still wins).
/// <para>
/// Each request is sent at most once: the run claims it first (a write conditional on the version it read) and sends
/// only when the claim landed, then deletes it. Two runs at once send one email; a run killed between the claim and the
/// send skips that request rather than repeat it (a claimed request is never sent again, and expires). A send that
/// fails gives the claim back, so the next run tries again, and stops the run. Tests: NotifyBackInStockTests.
/// </para>
/// </summary>
public sealed class NotifyBackInStock(
    IBackInStockRequests requests, IInventoryStore inventory, IProductStore products, ISuppressionList suppression,
    FlowSettingsReader flows, FlowEmails emails, StorefrontSite storefront, TimeProvider clock)
{
    public const string FlowId = "flow-back-in-stock";

    /// <summary>How long a request waits for its variant: after this it lapses unanswered (the document's TTL).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    /// <summary>The longest a marketer may hold the email back once the variant is in stock.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    private const int PageSize = 100;

    public static class SkipReasons
    {
        public const string Suppressed = "suppressed";
        public const string Erased = "erased";
        public const string ProductGone = "product-unavailable";
    }

    /// <summary>The email as it is until a marketer changes it: the product's name, image and link, and why it came.</summary>
    public static readonly FlowMessage DefaultMessage = new(
        new CampaignContent(
            // The flows API renders a message without products when it is saved: each template must render then too.
            "{{ for product in products limit:1 }}{{ product.name }} is back in stock{{ else }}Back in stock{{ end }}",
            """
            {{ for product in products }}
            <h1>{{ product.name }} is back in stock</h1>
            <p>You asked us to tell you when it was available again. It is now, while stock lasts.</p>
            {{ if product.image_url }}<p><a href="{{ product.url }}"><img src="{{ product.image_url }}" alt="{{ product.image_alt }}" width="300"></a></p>{{ end }}
            <p><a href="{{ product.url }}">See {{ product.name }}</a> ({{ product.price }})</p>
            {{ end }}
            <p style="font-size:12px;color:#666">You get this one email because you asked to be told when this item was back. <a href="{{ unsubscribe_url }}">Unsubscribe from our emails</a></p>
            """,
            """
            {{ for product in products }}{{ product.name }} is back in stock.

            You asked us to tell you when it was available again. It is now, while stock lasts:
            {{ product.url }}
            {{ end }}
            --
            You get this one email because you asked to be told when this item was back. Unsubscribe: {{ unsubscribe_url }}
            """),
        ProductsBlock.None, PersonalOffer: false, Recommendations: 0);

    public static readonly FlowDefinition Definition = new(
        FlowId, "Back in stock",
        "One email to each shopper who asked to be told when a variant is available again, the step's delay after the stock is back.",
        MaxSteps: 1, MinDelay: TimeSpan.Zero, MaxDelay: MaxDelay, MessageEditable: true, UsesSegments: false,
        DefaultSteps: [new FlowStep(TimeSpan.Zero, DefaultMessage)], DefaultSegments: []);

    public async Task<BackInStockRun> RunAsync(CancellationToken ct)
    {
        var settings = await flows.CurrentAsync(FlowId, ct);
        if (!settings.Enabled || settings.Steps.Count == 0) return new(false, 0, 0, new Dictionary<string, int>(), 0, 0);
        // Before any claim: a shop without a storefront address cannot link the product, and must not use up requests.
        _ = storefront.Settings.PublicBaseUrl;
        var step = settings.Steps[0];
        var message = step.Message ?? DefaultMessage;

        var available = new Dictionary<string, int>(StringComparer.Ordinal);
        var shown = new Dictionary<string, Product?>(StringComparer.Ordinal);
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        int sent = 0, waiting = 0, changed = 0;

        await foreach (var page in requests.PagesAsync(PageSize, ct))
        {
            var now = clock.GetUtcNow();
            var open = page.Where(r => r.Value.ClaimedAt is null && r.Value.ExpiresAt > now).ToList();
            if (open.Count == 0) continue;
            await ReadStockAsync(open, available, now, ct);
            // Products and the suppression list matter only for requests whose variant has stock: a page of sold-out
            // variants costs the stock read alone.
            var restocked = open.Where(r => available[r.Value.Sku] > 0).ToList();
            await ReadProductsAsync(restocked, shown, ct);
            IReadOnlySet<string> suppressed = restocked.Count == 0
                ? new HashSet<string>()
                : await suppression.SuppressedAmongAsync([.. restocked.Select(r => r.Value.Key).Distinct()], ct);

            foreach (var request in open)
            {
                var value = request.Value;
                if (available[value.Sku] <= 0)
                {
                    // Sold out again before the delay passed: the wait starts over when it is back.
                    if (value.InStockSince is not null && await requests.TryUpdateAsync(request, value with { InStockSince = null }, ct) is null) changed++;
                    continue;
                }

                var since = value.InStockSince ?? now;
                if (value.InStockSince is null && step.Delay > TimeSpan.Zero)
                {
                    if (await requests.TryUpdateAsync(request, value with { InStockSince = since }, ct) is null) changed++;
                    else waiting++;
                    continue;
                }
                if (since + step.Delay > now)
                {
                    waiting++;
                    continue;
                }

                string? reason = null;
                Product? product = null;
                if (suppressed.Contains(value.Key)) reason = SkipReasons.Suppressed;
                else if (value.Email == PersonalData.Erased) reason = SkipReasons.Erased;
                else if ((product = AsShown(shown[value.ProductId], value.Sku, now)) is null) reason = SkipReasons.ProductGone;
                if (reason is not null)
                {
                    if (await requests.TryUpdateAsync(request, value with { ClaimedAt = now }, ct) is null) { changed++; continue; }
                    await requests.DeleteAsync(value.Sku, value.Key, ct);
                    skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
                    continue;
                }

                var claimed = value with { ClaimedAt = now, InStockSince = since };
                var claimVersion = await requests.TryUpdateAsync(request, claimed, ct);
                if (claimVersion is null)
                {
                    changed++;
                    continue;
                }

                var recipient = new MarketingRecipient(value.Key, value.Email, value.CustomerId, value.Language, null);
                try
                {
                    await emails.SendAsync(Definition, 1, message, recipient, [product!], ct);
                }
                catch
                {
                    // Not sent: give the claim back, so the next run tries again.
                    await requests.TryUpdateAsync(new Versioned<BackInStockRequest>(claimed, claimVersion), claimed with { ClaimedAt = null }, CancellationToken.None);
                    throw;
                }
                await requests.DeleteAsync(value.Sku, value.Key, ct);
                sent++;
            }
        }
        return new(true, sent, waiting, skipped, changed, available.Count);
    }

    private async Task ReadStockAsync(IReadOnlyList<Versioned<BackInStockRequest>> page, Dictionary<string, int> available, DateTimeOffset now, CancellationToken ct)
    {
        var unread = page.Select(r => r.Value.Sku).Where(s => !available.ContainsKey(s)).Distinct().ToList();
        if (unread.Count == 0) return;
        var found = (await inventory.FindManyAsync(unread, ct)).ToDictionary(i => i.Value.Sku, i => i.Value.Available(now), StringComparer.Ordinal);
        foreach (var sku in unread) available[sku] = found.GetValueOrDefault(sku);
    }

    private async Task ReadProductsAsync(IReadOnlyList<Versioned<BackInStockRequest>> page, Dictionary<string, Product?> known, CancellationToken ct)
    {
        var unread = page.Select(r => r.Value.ProductId).Where(id => !known.ContainsKey(id)).Distinct().ToList();
        if (unread.Count == 0) return;
        var found = (await products.FindManyByIdsAsync(unread, ct)).ToDictionary(p => p.Value.Id, p => p.Value, StringComparer.Ordinal);
        foreach (var id in unread) known[id] = found.GetValueOrDefault(id);
    }

    /// <summary>
    /// The product as shoppers see it now (a live flash sale's price), with the requested variant first, so the
    /// message's <c>products[0].price</c> is that variant's; null when the product is no longer active or lost the variant.
    /// </summary>
    private static Product? AsShown(Product? product, string sku, DateTimeOffset now)
    {
        if (product is not { IsVisibleToShoppers: true } || product.Variants.FirstOrDefault(v => v.Sku == sku) is not { } variant) return null;
        var seen = FlashSales.FlashSaleOffers.AsShopperSeesAt(product, now);
        return seen with { Variants = [.. seen.Variants.Where(v => v.Sku == sku), .. seen.Variants.Where(v => v.Sku != sku)] };
    }
}
