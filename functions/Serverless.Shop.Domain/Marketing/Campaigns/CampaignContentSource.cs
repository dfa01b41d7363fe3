using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>What campaigns know of a customer for the <c>offer</c> and <c>recommendations</c> blocks.</summary>
public interface ICampaignPersonalization
{
    /// <summary>The customer's current personal offer (valid and unused), or null.</summary>
    Task<PersonalOffer?> OfferAsync(string customerId, CancellationToken ct);

    /// <summary>The categories the customer bought from, most often first (kept orders only).</summary>
    Task<IReadOnlyList<string>> PurchasedCategoriesAsync(string customerId, CancellationToken ct);
}

/// <summary>The loyalty capability's purchase history and personal offers, as campaigns need them.</summary>
public sealed class LoyaltyCampaignPersonalization(CustomerHistory history, ICustomerSummaryStore summaries) : ICampaignPersonalization
{
    public async Task<PersonalOffer?> OfferAsync(string customerId, CancellationToken ct) =>
        (await history.GetMyOffersAsync(new Actor(customerId, [ShopRoles.Customer]), ct)).OrderBy(o => o.ValidUntil).FirstOrDefault();

    public async Task<IReadOnlyList<string>> PurchasedCategoriesAsync(string customerId, CancellationToken ct) =>
        (await summaries.FindAsync(customerId, ct))?.Value.Orders.Where(o => o.Kept)
            .SelectMany(o => o.LeafCategories.Distinct(StringComparer.Ordinal))
            .GroupBy(c => c, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList() ?? [];
}

/// <summary>Reads what a campaign's blocks show: its products, and per recipient their offer and recommendations.</summary>
public sealed class CampaignContentSource(IProductStore products, ICampaignPersonalization personalization)
{
    /// <summary>Categories a recipient's recommendations are drawn from, most bought first.</summary>
    public const int RecommendationCategories = 3;

    /// <summary>The <c>products</c> block: the named products that are active, in the order named; or the newest active ones.</summary>
    public async Task<IReadOnlyList<Product>> ProductsAsync(Campaign campaign, CancellationToken ct)
    {
        if (campaign.Products.ProductIds.Count > 0)
        {
            var found = (await products.FindManyByIdsAsync(campaign.Products.ProductIds, ct)).Select(p => p.Value)
                .Where(p => p.Status == ProductStatus.Active).ToDictionary(p => p.Id, StringComparer.Ordinal);
            return [.. campaign.Products.ProductIds.Where(found.ContainsKey).Select(id => found[id])];
        }
        return campaign.Products.Newest > 0 ? await NewestAsync(null, campaign.Products.Newest, ct) : [];
    }

    /// <summary>Product ids the block names that are not in the catalog (a 400 at save).</summary>
    public async Task<IReadOnlyList<string>> MissingProductsAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var found = (await products.FindManyByIdsAsync(ids, ct)).Select(p => p.Value.Id).ToHashSet(StringComparer.Ordinal);
        return [.. ids.Where(id => !found.Contains(id))];
    }

    /// <summary>One recipient's part of the email; <paramref name="cache"/> holds category listings for the rest of the batch.</summary>
    public async Task<TemplateRecipient> RecipientAsync(Campaign campaign, string? firstName, string? email, string? customerId, RecommendationCache cache, CancellationToken ct)
    {
        if (customerId is null) return new TemplateRecipient(firstName, email, null, []);
        var offer = campaign.PersonalOffer ? await personalization.OfferAsync(customerId, ct) : null;
        IReadOnlyList<Product> recommended = [];
        if (campaign.Recommendations > 0)
        {
            var picks = new List<Product>();
            foreach (var category in (await personalization.PurchasedCategoriesAsync(customerId, ct)).Take(RecommendationCategories))
            {
                if (!cache.TryGetValue(category, out var listed)) cache[category] = listed = await NewestAsync(category, campaign.Recommendations, ct);
                picks.AddRange(listed);
            }
            recommended = [.. picks.DistinctBy(p => p.Id).Take(campaign.Recommendations)];
        }
        return new TemplateRecipient(firstName, email, offer, recommended);
    }

    private async Task<IReadOnlyList<Product>> NewestAsync(string? categoryId, int count, CancellationToken ct) =>
        (await products.ListAsync(new ProductFilter { CategoryId = categoryId, Status = ProductStatus.Active, Sort = ProductSort.Newest }, new PageRequest(count, null), ct)).Items;
}

/// <summary>Products per category, read once per batch for everyone's recommendations.</summary>
public sealed class RecommendationCache : Dictionary<string, IReadOnlyList<Product>>
{
    public RecommendationCache() : base(StringComparer.Ordinal) { }
}
