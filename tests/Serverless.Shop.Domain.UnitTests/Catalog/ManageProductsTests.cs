using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class ManageProductsTests
{
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryTaxonomyStore _taxonomy = new InMemoryTaxonomyStore().With(Kitchen).With(Mugs).With(StaffPicks).With(UnderTwenty);
    private readonly InMemoryProductImageStorage _images = new();
    private readonly FixedClock _clock = new();

    private ManageProducts Manage => new(_products, _taxonomy, _images, new ShopSettings("EUR"), _clock);

    [Fact]
    public async Task A_created_product_is_stored_under_a_new_product_id_with_the_stores_version()
    {
        var created = await Manage.CreateAsync(MugInput(), CancellationToken.None);

        created.Value.Id.ShouldStartWith("prod_");
        Ids.IsWellFormed(created.Value.Id).ShouldBeTrue();
        _products.Current(created.Value.Id).ShouldBe(created);
        created.Value.CreatedAt.ShouldBe(_clock.Now);
    }

    [Fact]
    public async Task Two_created_products_get_different_ids()
    {
        var first = await Manage.CreateAsync(MugInput() with { Slug = "mug-one" }, CancellationToken.None);
        var second = await Manage.CreateAsync(MugInput() with { Slug = "mug-two" }, CancellationToken.None);

        first.Value.Id.ShouldNotBe(second.Value.Id);
    }

    [Fact]
    public async Task A_product_that_breaks_a_rule_is_not_stored()
    {
        await Should.ThrowAsync<ValidationFailedException>(() => Manage.CreateAsync(MugInput() with { Name = null }, CancellationToken.None));

        _products.Creates.ShouldBe(0);
    }

    [Fact]
    public async Task A_product_checks_its_categories_against_a_fresh_read_of_the_taxonomy()
    {
        _taxonomy.With(new Category("cat_teapots", "Teapots", "teapots", null, ["cat_teapots"], null, 0), cached: false);

        var created = await Manage.CreateAsync(MugInput() with { CategoryIds = ["cat_teapots"] }, CancellationToken.None);

        created.Value.CategoryPath.ShouldBe(["cat_teapots"]);
    }

    [Fact]
    public async Task A_product_cannot_be_put_into_a_rule_based_collection_by_hand()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(
            () => Manage.CreateAsync(MugInput() with { CollectionIds = [UnderTwenty.Id] }, CancellationToken.None));

        failure.ShouldReport("collectionIds[0]", "hand-picked");
    }

    [Fact]
    public async Task A_product_can_be_put_into_a_hand_picked_collection()
    {
        var created = await Manage.CreateAsync(MugInput() with { CollectionIds = [StaffPicks.Id] }, CancellationToken.None);

        created.Value.CollectionIds.ShouldBe([StaffPicks.Id]);
    }

    [Fact]
    public async Task Replacing_a_product_without_its_version_is_refused_and_changes_nothing()
    {
        var stored = _products.Add(ExistingMug());

        await Should.ThrowAsync<VersionRequiredException>(() => Manage.ReplaceAsync(stored.Value.Id, MugInput() with { Name = "Renamed" }, null, CancellationToken.None));

        _products.Current(stored.Value.Id).ShouldBe(stored);
    }

    [Fact]
    public async Task Replacing_a_product_from_an_older_version_is_refused_and_changes_nothing()
    {
        var stored = _products.Add(ExistingMug());

        await Should.ThrowAsync<StaleVersionException>(() => Manage.ReplaceAsync(stored.Value.Id, MugInput() with { Name = "Renamed" }, "\"v0-old\"", CancellationToken.None));

        _products.Current(stored.Value.Id).ShouldBe(stored);
        _products.Replaces.ShouldBe(0);
    }

    [Fact]
    public async Task Replacing_a_product_that_does_not_exist_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.ReplaceAsync("prod_missing", MugInput(), "\"v1\"", CancellationToken.None));
    }

    [Fact]
    public async Task Replacing_a_product_at_its_current_version_stores_the_new_content_and_keeps_its_history()
    {
        var stored = _products.Add(ExistingMug(images: 1));

        var replaced = await Manage.ReplaceAsync(stored.Value.Id, MugInput() with { Name = "Renamed Mug", Slug = "renamed-mug" }, stored.Version, CancellationToken.None);

        replaced.Version.ShouldNotBe(stored.Version);
        _products.Current(stored.Value.Id).ShouldBe(replaced);
        replaced.Value.Name.ShouldBe("Renamed Mug");
        replaced.Value.Id.ShouldBe(stored.Value.Id);
        replaced.Value.CreatedAt.ShouldBe(stored.Value.CreatedAt);
        replaced.Value.UpdatedAt.ShouldBe(_clock.Now);
        replaced.Value.Images.ShouldBe(stored.Value.Images);
    }

    [Fact]
    public async Task A_replacement_that_breaks_a_rule_changes_nothing()
    {
        var stored = _products.Add(ExistingMug());

        await Should.ThrowAsync<ValidationFailedException>(() => Manage.ReplaceAsync(stored.Value.Id, MugInput() with { Variants = [] }, stored.Version, CancellationToken.None));

        _products.Current(stored.Value.Id).ShouldBe(stored);
    }

    [Fact]
    public async Task Deleting_a_product_removes_it_and_its_images()
    {
        var stored = _products.Add(ExistingMug());

        await Manage.DeleteAsync(stored.Value.Id, stored.Version, CancellationToken.None);

        _products.Current(stored.Value.Id).ShouldBeNull();
        _images.AllDeletedFor.ShouldBe([stored.Value.Id]);
    }

    [Fact]
    public async Task Deleting_a_product_from_an_older_version_is_refused_and_keeps_everything()
    {
        var stored = _products.Add(ExistingMug());

        await Should.ThrowAsync<StaleVersionException>(() => Manage.DeleteAsync(stored.Value.Id, "\"v0-old\"", CancellationToken.None));

        _products.Current(stored.Value.Id).ShouldBe(stored);
        _images.AllDeletedFor.ShouldBeEmpty();
    }

    [Fact]
    public async Task Deleting_a_product_that_does_not_exist_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.DeleteAsync("prod_missing", null, CancellationToken.None));
    }
}
