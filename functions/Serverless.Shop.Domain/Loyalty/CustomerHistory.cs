using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>A customer's purchase history as they (and support) see it, with the tier and segments that follow from it.</summary>
/// <param name="LifetimeSpend">Per currency, everything kept of every paid order.</param>
/// <param name="RollingSpend">Spend in the shop's currency over the last 12 months (what the tier follows).</param>
public sealed record PurchaseSummaryView(
    IReadOnlyDictionary<string, decimal> LifetimeSpend, int OrderCount, DateTimeOffset? LastOrderAt,
    Money RollingSpend, IReadOnlyList<MonthlySpend> SpendByMonth, IReadOnlyList<string> Categories,
    string? Tier, IReadOnlyList<string> Segments);

/// <summary>One of the customer's orders in their purchase history: its total and status.</summary>
public sealed record PurchaseHistoryOrder(string Number, OrderStatus Status, Money Total, int ItemCount, DateTimeOffset CreatedAt);

/// <summary><c>GET /api/me/purchase-history</c>: a page of the customer's orders (newest first) and the kept summary.</summary>
public sealed record PurchaseHistoryView(PurchaseSummaryView Summary, IReadOnlyList<PurchaseHistoryOrder> Orders, string? ContinuationToken);

/// <summary>
/// The purchase history's use cases: follow order changes (an <see cref="IOrderChangeReaction"/> run by
/// <see cref="NotifyOrderChange"/>), review tiers, segments and offers on the nightly timer, and answer the queries of
/// the customer (<c>/api/me/purchase-history</c>, <c>/api/me/offers</c>), of support (<see cref="GetSummaryAsync"/>) and
/// of pricing and the points ledger (<see cref="ICustomerStandings"/>). Every change is read, decide, write with the
/// ETag, read again on a conflict; a personal offer's promotion is created before the summary that lists it is saved.
/// </summary>
public sealed class CustomerHistory(
    ICustomerSummaryStore summaries, IOrderStore orders, IProductStore products, IPromotionStore promotions, IPromotionUsageStore usage,
    LoyaltySettings settings, ShopSettings shop, TimeProvider clock) : IOrderChangeReaction, ICustomerStandings, Customers.ICustomerProfileFollower
{
    private const int MaximumAttempts = 16;
    private const int DueBatch = 100;
    private const int MaximumDueBatches = 20;

    /// <summary>Counts the order as it now stands in its customer's history, then refreshes tier, segments and offer. Guests' orders are not kept.</summary>
    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (order.CustomerId is not { } customerId) return;
        OrderCategories? categories = null;
        await ChangeAsync(customerId, async (summary, token) =>
        {
            if (categories is null && PurchaseHistoryRules.IsNew(summary, order)) categories = await CategoriesOfAsync(order, token);
            return PurchaseHistoryRules.Apply(summary, order, categories ?? OrderCategories.None);
        }, ct);
    }

    /// <summary>
    /// The profile's language or consents changed: kept on the summary and the segments evaluated again (a customer
    /// without orders gets a summary for it). A profile write whose process dies before this leaves the segment as it
    /// was until the profile next changes (docs/loyalty.md#segments).
    /// </summary>
    public async Task ProfileChangedAsync(string customerId, Customers.ProfileFacts facts, CancellationToken ct) =>
        await ChangeAsync(customerId, (summary, _) => Task.FromResult(summary.Profile == facts ? summary : summary with { Profile = facts }), ct);

    /// <summary>
    /// The nightly timer's work: every summary whose tier, segments or offer time has changed (a spend leaving the
    /// 12-month window downgrades the tier; an offer ran out), a batch at a time. Returns how many changed.
    /// </summary>
    public async Task<int> ReviewDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var changed = 0;
        for (var batch = 0; batch < MaximumDueBatches; batch++)
        {
            var due = await summaries.ListDueAsync(now, DueBatch, ct);
            var changedNow = 0;
            foreach (var customerId in due)
                if (await ChangeAsync(customerId, (summary, _) => Task.FromResult(summary), ct)) changedNow++;
            changed += changedNow;
            if (due.Count < DueBatch || changedNow == 0) break;
        }
        return changed;
    }

    /// <summary>The customer's summary (lifetime spend, order count, tier, segments): the domain query support's customer view shows.</summary>
    public async Task<PurchaseSummaryView> GetSummaryAsync(string customerId, CancellationToken ct) =>
        await FindSummaryAsync(customerId, ct) ?? View(CustomerSummary.Empty(customerId));

    /// <summary>The customer's summary, or null when the shop keeps none (one point read).</summary>
    public async Task<PurchaseSummaryView?> FindSummaryAsync(string customerId, CancellationToken ct) =>
        (await summaries.FindAsync(customerId, ct))?.Value is { } summary ? View(summary) : null;

    public async Task<CustomerStanding> GetStandingAsync(string customerId, CancellationToken ct)
    {
        if ((await summaries.FindAsync(customerId, ct))?.Value is { } summary) return new CustomerStanding(summary.Tier, summary.Segments);
        // Never bought: the tier of no spend (the lowest, when it starts at 0).
        return new CustomerStanding(MembershipTiers.For(0m, settings.Tiers)?.Name, []);
    }

    /// <summary>A page of the customer's orders (from the order store) with the kept summary. Two Cosmos DB calls: the page query and the summary's point read.</summary>
    public async Task<PurchaseHistoryView> GetMineAsync(Actor customer, string? pageSize, string? continuationToken, CancellationToken ct)
    {
        var v = new Validator();
        var page = PageRequest.Parse(pageSize, continuationToken, v);
        v.ThrowIfInvalid();
        var ordersRead = orders.ListByCustomerAsync(customer.Id, page, ct);
        var summaryRead = GetSummaryAsync(customer.Id, ct);
        await Task.WhenAll(ordersRead, summaryRead);
        return new PurchaseHistoryView(summaryRead.Result,
            [.. ordersRead.Result.Items.Select(o => new PurchaseHistoryOrder(o.Number, o.Status, o.Total, o.ItemCount, o.CreatedAt))],
            ordersRead.Result.ContinuationToken);
    }

    /// <summary>The customer's current personal offers: still valid and not used (a use held by a checkout in progress counts as used).</summary>
    public async Task<IReadOnlyList<PersonalOffer>> GetMyOffersAsync(Actor customer, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var summary = (await summaries.FindAsync(customer.Id, ct))?.Value;
        var current = new List<PersonalOffer>();
        foreach (var offer in summary?.Offers.Where(o => o.ValidFrom <= now && o.ValidUntil > now) ?? [])
            if ((await usage.GetCountsAsync(offer.PromotionId, ct)).Uses == 0) current.Add(offer);
        return current;
    }

    private PurchaseSummaryView View(CustomerSummary summary)
    {
        var now = clock.GetUtcNow();
        return new PurchaseSummaryView(summary.LifetimeSpend, summary.OrderCount, summary.LastOrderAt,
            new Money(summary.RollingSpend(shop.Currency, now), shop.Currency), summary.SpendByMonth(shop.Currency, now),
            summary.Categories, summary.Tier ?? MembershipTiers.For(0m, settings.Tiers)?.Name, summary.Segments);
    }

    private async Task<OrderCategories> CategoriesOfAsync(Order order, CancellationToken ct)
    {
        var ids = order.Pricing.Lines.Select(l => l.ProductId).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return OrderCategories.None;
        // A product deleted since contributes no category; the order still counts.
        var paths = (await products.FindManyByIdsAsync(ids, ct)).Select(p => p.Value.CategoryPath).Where(p => p.Count > 0).ToList();
        return new OrderCategories(
            [.. paths.SelectMany(p => p).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            [.. paths.Select(p => p[^1]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    private async Task<bool> ChangeAsync(string customerId, Func<CustomerSummary, CancellationToken, Task<CustomerSummary>> apply, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await summaries.FindAsync(customerId, ct);
            var before = current?.Value ?? CustomerSummary.Empty(customerId);
            var now = clock.GetUtcNow();
            var applied = await apply(before, ct);
            // No purchase yet (an unpaid order, a review of nobody): nothing worth a document.
            if (current is null && applied.Orders.Count == 0 && applied.Profile is null) return false;
            var after = CustomerStandingRules.Refresh(applied, settings, shop.Currency, now);
            if (ReferenceEquals(after, before)) return false;
            var offers = new List<PersonalOffer>(after.Offers.Count);
            foreach (var offer in after.Offers)
                offers.Add(before.Offers.Any(b => b.PromotionId == offer.PromotionId) ? offer : await IssueAsync(offer, customerId, now, ct));
            after = after with { Offers = offers };
            try
            {
                await summaries.SaveAsync(after, current?.Version, ct);
                return true;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
            catch (StaleVersionException)
            {
                throw new BusyResourceException("Purchase history");
            }
        }
    }

    /// <summary>
    /// Creates the offer's promotion before the summary lists it. One already there is this same offer, issued before
    /// and its summary write lost or retried: the summary then shows it as it was made (its dates).
    /// </summary>
    private async Task<PersonalOffer> IssueAsync(PersonalOffer offer, string customerId, DateTimeOffset now, CancellationToken ct)
    {
        if (await promotions.FindByIdAsync(offer.PromotionId, ct) is { } existing) return AsIssued(offer, existing.Value);
        try
        {
            await promotions.CreateAsync(CustomerStandingRules.PromotionFor(offer, customerId, now), ct);
            return offer;
        }
        catch (DuplicateResourceException)
        {
            // Another run issued this same offer first; anything else holding the code is a real conflict.
            if (await promotions.FindByIdAsync(offer.PromotionId, ct) is { } raced) return AsIssued(offer, raced.Value);
            throw;
        }
    }

    private static PersonalOffer AsIssued(PersonalOffer offer, Promotion promotion) =>
        offer with { ValidFrom = promotion.StartsAt ?? offer.ValidFrom, ValidUntil = promotion.EndsAt ?? offer.ValidUntil };
}
