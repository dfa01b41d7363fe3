using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>How a listing's query string becomes the filter the product store is asked for.</summary>
public sealed class ProductListingTests
{
    private static readonly Actor Shopper = Actor.Anonymous;
    private static readonly Actor Merchandiser = new("user_merch", [ShopRoles.Merchandiser]);
    private static readonly Actor Customer = new("user_cust", [ShopRoles.Customer]);

    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryTaxonomyStore _taxonomy = new InMemoryTaxonomyStore().With(Kitchen).With(Mugs).With(StaffPicks).With(UnderTwenty);

    private static ProductListingQuery Query(
        string? category = null, string? tag = null, string? collection = null, string? minPrice = null, string? maxPrice = null,
        IReadOnlyList<string>? attributes = null, string? search = null, string? status = null, string? sort = null,
        string? pageSize = null, string? continuationToken = null) =>
        new(category, tag, collection, minPrice, maxPrice, attributes ?? [], search, status, sort, pageSize, continuationToken);

    private BrowseCatalog Browse => new(_products, _taxonomy, new FixedClock());

    private async Task<ProductFilter> FilterFor(ProductListingQuery query, Actor? actor = null)
    {
        await Browse.ListAsync(query, actor ?? Shopper, CancellationToken.None);
        return _products.LastFilter;
    }

    private async Task<ValidationFailedException> Refused(ProductListingQuery query, Actor? actor = null)
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Browse.ListAsync(query, actor ?? Shopper, CancellationToken.None));
        _products.Listings.ShouldBeEmpty("a refused query must not reach the store");
        return failure;
    }

    [Fact]
    public async Task A_listing_without_conditions_asks_for_active_products_newest_first_24_to_a_page()
    {
        await Browse.ListAsync(Query(), Shopper, CancellationToken.None);

        var (filter, page) = _products.Listings.ShouldHaveSingleItem();
        filter.Status.ShouldBe(ProductStatus.Active);
        filter.Sort.ShouldBe(ProductSort.Newest);
        new[] { filter.CategoryId, filter.CollectionId, filter.Tag, filter.NameContains }.ShouldAllBe(x => x == null);
        filter.MinPrice.ShouldBeNull();
        filter.MaxPrice.ShouldBeNull();
        filter.Facets.ShouldBeEmpty();
        filter.Rules.ShouldBeEmpty();
        page.ShouldBe(new PageRequest(24, null));
    }

    [Fact]
    public async Task The_store_answers_the_listing()
    {
        _products.ListingResult = [ExistingMug()];

        var page = await Browse.ListAsync(Query(), Shopper, CancellationToken.None);

        page.Items.ShouldHaveSingleItem().Id.ShouldBe("prod_mug");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("draft")]
    [InlineData("archived")]
    [InlineData("all")]
    [InlineData("nonsense")]
    public async Task Shoppers_always_get_active_products_whatever_status_they_ask_for(string? status)
    {
        (await FilterFor(Query(status: status), Shopper)).Status.ShouldBe(ProductStatus.Active);
    }

    [Fact]
    public async Task A_signed_in_customer_is_a_shopper_and_gets_active_products_only()
    {
        (await FilterFor(Query(status: "draft"), Customer)).Status.ShouldBe(ProductStatus.Active);
    }

    [Theory]
    [InlineData("draft", ProductStatus.Draft)]
    [InlineData("Archived", ProductStatus.Archived)]
    [InlineData("active", ProductStatus.Active)]
    public async Task Staff_may_ask_for_products_in_one_status(string status, ProductStatus expected)
    {
        (await FilterFor(Query(status: status), Merchandiser)).Status.ShouldBe(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("all")]
    public async Task Staff_see_every_status_unless_they_ask_for_one(string? status)
    {
        (await FilterFor(Query(status: status), Merchandiser)).Status.ShouldBeNull();
    }

    [Fact]
    public async Task Staff_asking_for_a_status_that_does_not_exist_are_told_so()
    {
        (await Refused(Query(status: "published"), Merchandiser)).ShouldReport("status", "draft, active, archived or all");
    }

    [Theory]
    [InlineData("5")]
    [InlineData("draft,archived")]
    public async Task Staff_asking_for_a_status_by_number_or_as_a_list_are_told_it_does_not_exist(string status)
    {
        (await Refused(Query(status: status), Merchandiser)).ShouldReport("status");
    }

    [Theory]
    [InlineData("cat_mugs", "cat_mugs")]
    [InlineData("mugs", "cat_mugs")]
    [InlineData("cat_kitchen", "cat_kitchen")]
    public async Task A_category_may_be_named_by_id_or_slug(string category, string expectedId)
    {
        (await FilterFor(Query(category: category))).CategoryId.ShouldBe(expectedId);
    }

    [Fact]
    public async Task A_category_created_a_moment_ago_is_found_even_before_the_cache_knows_it()
    {
        _taxonomy.With(new Category("cat_teapots", "Teapots", "teapots", Kitchen.Id, [Kitchen.Id, "cat_teapots"], null, 0), cached: false);

        (await FilterFor(Query(category: "teapots"))).CategoryId.ShouldBe("cat_teapots");
        _taxonomy.FreshReads.ShouldBe(1);
    }

    [Fact]
    public async Task A_known_category_is_found_without_asking_the_store_afresh()
    {
        await FilterFor(Query(category: "mugs"));

        _taxonomy.FreshReads.ShouldBe(0);
    }

    [Fact]
    public async Task An_unknown_category_is_a_bad_request_not_an_empty_page()
    {
        (await Refused(Query(category: "garden"))).ShouldReport("category", "no category 'garden'");
    }

    [Fact]
    public async Task A_hand_picked_collection_filters_by_its_id()
    {
        var filter = await FilterFor(Query(collection: "staff-picks"));

        filter.CollectionId.ShouldBe(StaffPicks.Id);
        filter.Rules.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rule_based_collection_filters_by_its_rules()
    {
        var filter = await FilterFor(Query(collection: UnderTwenty.Id));

        filter.CollectionId.ShouldBeNull();
        filter.Rules.ShouldBe(UnderTwenty.Rules);
        filter.MatchAllRules.ShouldBe(UnderTwenty.MatchAllRules);
    }

    [Fact]
    public async Task An_unknown_collection_is_a_bad_request()
    {
        (await Refused(Query(collection: "winter-sale"))).ShouldReport("collection", "no collection 'winter-sale'");
    }

    [Fact]
    public async Task A_tag_is_normalised_as_product_tags_are()
    {
        (await FilterFor(Query(tag: "  Summer "))).Tag.ShouldBe("summer");
    }

    [Fact]
    public async Task A_price_range_is_passed_on_as_numbers()
    {
        var filter = await FilterFor(Query(minPrice: "9.50", maxPrice: "20"));

        filter.MinPrice.ShouldBe(9.50m);
        filter.MaxPrice.ShouldBe(20m);
    }

    [Theory]
    [InlineData("cheap")]
    [InlineData("-1")]
    [InlineData("1000000.01")]
    public async Task A_price_bound_that_is_not_a_number_from_0_to_a_million_is_refused(string minPrice)
    {
        (await Refused(Query(minPrice: minPrice))).ShouldReport("minPrice");
    }

    [Fact]
    public async Task A_maximum_price_below_the_minimum_is_refused()
    {
        (await Refused(Query(minPrice: "20", maxPrice: "10"))).ShouldReport("maxPrice", "not be lower than minPrice");
    }

    [Fact]
    public async Task Attribute_filters_become_lower_case_facets()
    {
        (await FilterFor(Query(attributes: ["Colour: Red", "material:stoneware"]))).Facets.ShouldBe(["colour:red", "material:stoneware"]);
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("colour:")]
    [InlineData(":red")]
    public async Task An_attribute_filter_must_be_written_name_colon_value(string attribute)
    {
        (await Refused(Query(attributes: [attribute]))).ShouldReport("attribute", "name:value");
    }

    private static List<string> AttributeFilters(int count) => Enumerable.Range(1, count).Select(i => $"a{i}:v").ToList();

    [Fact]
    public async Task Ten_attribute_filters_are_accepted()
    {
        (await FilterFor(Query(attributes: AttributeFilters(10)))).Facets.Count.ShouldBe(10);
    }

    [Fact]
    public async Task More_than_10_attribute_filters_are_refused()
    {
        (await Refused(Query(attributes: AttributeFilters(11)))).ShouldReport("attribute", "at most 10");
    }

    [Fact]
    public async Task A_search_is_trimmed_and_lower_cased()
    {
        (await FilterFor(Query(search: "  Brûlée MUG "))).NameContains.ShouldBe("brûlée mug");
    }

    [Fact]
    public async Task A_search_longer_than_100_characters_is_refused()
    {
        (await Refused(Query(search: new string('s', 101)))).ShouldReport("search", "at most 100");
    }

    [Theory]
    [InlineData("newest", ProductSort.Newest)]
    [InlineData("price", ProductSort.PriceAscending)]
    [InlineData("price-asc", ProductSort.PriceAscending)]
    [InlineData("-price", ProductSort.PriceDescending)]
    [InlineData("price-desc", ProductSort.PriceDescending)]
    [InlineData("name", ProductSort.Name)]
    public async Task A_sort_order_is_named_in_words(string sort, ProductSort expected)
    {
        (await FilterFor(Query(sort: sort))).Sort.ShouldBe(expected);
    }

    [Fact]
    public async Task An_unknown_sort_order_is_refused()
    {
        (await Refused(Query(sort: "popularity"))).ShouldReport("sort", "newest, price-asc, price-desc, name");
    }

    [Fact]
    public async Task A_page_size_and_continuation_token_are_passed_on()
    {
        await Browse.ListAsync(Query(pageSize: "50", continuationToken: "next-page"), Shopper, CancellationToken.None);

        _products.Listings.ShouldHaveSingleItem().Page.ShouldBe(new PageRequest(50, "next-page"));
    }

    [Theory]
    [InlineData("fifty")]
    [InlineData("-5")]
    [InlineData("2.5")]
    [InlineData("0")]
    [InlineData("101")]
    public async Task A_page_size_that_is_not_a_whole_number_from_1_to_100_is_refused(string pageSize)
    {
        (await Refused(Query(pageSize: pageSize))).ShouldReport("pageSize");
    }

    [Fact]
    public async Task Every_mistake_in_a_query_is_reported_at_once()
    {
        var failure = await Refused(Query(category: "garden", collection: "winter", minPrice: "x", sort: "best", pageSize: "many", attributes: ["red"]));

        failure.Errors.Keys.ShouldBe(["category", "collection", "minPrice", "sort", "pageSize", "attribute"], ignoreOrder: true);
    }
}
