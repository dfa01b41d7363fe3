using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.UnitTests.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

public sealed class CampaignContentSourceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Campaign Campaign(ProductsBlock products, bool offer = false, int recommendations = 0) => new()
    {
        Id = "cmp_1", Name = "n", Audience = new Domain.Marketing.Audiences.AudienceSpec([], true), Content = new CampaignContent("s", "h", "t"),
        Products = products, PersonalOffer = offer, Recommendations = recommendations,
        Status = CampaignStatus.Draft, CreatedAt = CampaignTestShop.Start, UpdatedAt = CampaignTestShop.Start, UpdatedBy = "m",
    };

    [Fact]
    public async Task Named_products_come_in_the_order_named_and_only_while_active()
    {
        var products = new InMemoryProductStore();
        products.Add(CatalogExamples.ExistingMug("prod_a"));
        products.Add(CatalogExamples.ExistingMug("prod_b"));
        products.Add(CatalogExamples.ExistingMug("prod_c", ProductStatus.Archived));
        var source = new CampaignContentSource(products, new FakePersonalization());

        var listed = await source.ProductsAsync(Campaign(new ProductsBlock(["prod_b", "prod_c", "prod_gone", "prod_a"], 0)), None);

        listed.Select(p => p.Id).ShouldBe(["prod_b", "prod_a"]);
    }

    [Fact]
    public async Task The_newest_block_asks_the_catalog_for_that_many_active_products_newest_first()
    {
        var products = new InMemoryProductStore { ListingResult = [CatalogExamples.ExistingMug("prod_new")] };
        var source = new CampaignContentSource(products, new FakePersonalization());

        (await source.ProductsAsync(Campaign(new ProductsBlock([], 3)), None)).ShouldHaveSingleItem().Id.ShouldBe("prod_new");

        var (filter, page) = products.Listings.ShouldHaveSingleItem();
        (filter.Status, filter.Sort, filter.CategoryId, page.Size).ShouldBe((ProductStatus.Active, ProductSort.Newest, null, 3));
    }

    [Fact]
    public async Task Recommendations_come_from_the_categories_the_customer_bought_from_most_and_a_reader_who_is_not_a_customer_gets_none()
    {
        var products = new InMemoryProductStore { ListingResult = [CatalogExamples.ExistingMug("prod_x"), CatalogExamples.ExistingMug("prod_y")] };
        var personalization = new FakePersonalization();
        personalization.Categories["cust-1"] = ["cat_mugs", "cat_kitchen", "cat_tea", "cat_fourth"];
        var source = new CampaignContentSource(products, personalization);
        var campaign = Campaign(ProductsBlock.None, recommendations: 3);
        var cache = new RecommendationCache();

        var reader = await source.RecipientAsync(campaign, "Ann", "ann@example.com", "cust-1", cache, None);
        var again = await source.RecipientAsync(campaign, "Bo", "bo@example.com", "cust-1", cache, None);
        var subscriber = await source.RecipientAsync(campaign, null, "sub@example.com", null, cache, None);

        reader.Recommendations.Select(p => p.Id).ShouldBe(["prod_x", "prod_y"]);
        again.Recommendations.Count.ShouldBe(2);
        subscriber.Recommendations.ShouldBeEmpty();
        products.Listings.Select(l => l.Filter.CategoryId).ShouldBe(["cat_mugs", "cat_kitchen", "cat_tea"]); // three categories, each read once per batch
    }

    [Fact]
    public async Task The_offer_is_read_only_when_the_campaign_asks_for_it()
    {
        var personalization = new FakePersonalization();
        personalization.Offers["cust-1"] = ManageCampaigns.SampleOffer;
        var source = new CampaignContentSource(new InMemoryProductStore(), personalization);

        (await source.RecipientAsync(Campaign(ProductsBlock.None, offer: true), null, null, "cust-1", new RecommendationCache(), None)).Offer.ShouldBe(ManageCampaigns.SampleOffer);
        (await source.RecipientAsync(Campaign(ProductsBlock.None, offer: false), null, null, "cust-1", new RecommendationCache(), None)).Offer.ShouldBeNull();
    }
}
