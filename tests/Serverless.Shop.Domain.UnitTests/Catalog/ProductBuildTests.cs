using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>What <see cref="ProductRules.Build"/> does with a product as a whole: defaults, what it keeps, and how it reports.</summary>
public sealed class ProductBuildTests
{
    [Fact]
    public void A_new_product_is_a_draft_unless_a_status_is_given()
    {
        Build(MugInput()).Status.ShouldBe(ProductStatus.Draft);
        Build(MugInput() with { Status = ProductStatus.Active }).Status.ShouldBe(ProductStatus.Active);
    }

    [Fact]
    public void A_new_product_is_created_and_updated_now()
    {
        var product = Build(MugInput());

        product.Id.ShouldBe(NewProductId);
        product.CreatedAt.ShouldBe(Now);
        product.UpdatedAt.ShouldBe(Now);
        product.Images.ShouldBeEmpty();
    }

    [Fact]
    public void A_replaced_product_keeps_its_creation_time_images_and_status_when_none_is_given()
    {
        var existing = ExistingMug(status: ProductStatus.Archived, images: 2);

        var replaced = Build(MugInput() with { Name = "Renamed Mug", Status = null }, existing);

        replaced.Id.ShouldBe(existing.Id);
        replaced.Name.ShouldBe("Renamed Mug");
        replaced.Status.ShouldBe(ProductStatus.Archived);
        replaced.Images.ShouldBe(existing.Images);
        replaced.CreatedAt.ShouldBe(existing.CreatedAt);
        replaced.UpdatedAt.ShouldBe(Now);
    }

    [Fact]
    public void A_description_is_markdown_unless_another_format_is_given()
    {
        var product = Build(MugInput() with { Description = new DescriptionInput(null, "A **sturdy** mug.") });

        product.Description.Format.ShouldBe(RichTextFormat.Markdown);
        product.Description.Source.ShouldBe("A **sturdy** mug.");
        product.Description.Html.ShouldContain("<strong>sturdy</strong>");
    }

    [Fact]
    public void Without_a_description_the_product_has_an_empty_one()
    {
        Build(MugInput() with { Description = null }).Description.ShouldBe(RichText.Empty);
    }

    [Fact]
    public void A_description_longer_than_50000_characters_is_refused()
    {
        Refuse(MugInput() with { Description = new DescriptionInput(RichTextFormat.Text, new string('x', 50_001)) })
            .ShouldReport("description.content", "at most 50000 characters");
    }

    [Fact]
    public void Seo_title_and_meta_description_have_search_engine_lengths()
    {
        Build(MugInput() with { Seo = new SeoFields(new string('t', 70), new string('m', 160)) }).Seo.Title!.Length.ShouldBe(70);

        var failure = Refuse(MugInput() with { Seo = new SeoFields(new string('t', 71), new string('m', 161)) });
        failure.ShouldReport("seo.title", "at most 70 characters");
        failure.ShouldReport("seo.metaDescription", "at most 160 characters");
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var failure = Refuse(new ProductInput
        {
            Name = null,
            Slug = "Not A Slug",
            Attributes = [new AttributeInput("capacity", AttributeType.Number, "big", null)],
            Variants = [Variant("BAD SKU", price: 12.345m, salePrice: 20m)],
            CategoryIds = ["cat_nowhere"],
            CollectionIds = ["col_nowhere"],
            Tags = [new string('t', 51)],
        });

        failure.Errors.Keys.ShouldBe(
            ["name", "slug", "attributes[0].value", "variants[0].sku", "variants[0].price.amount", "variants[0].salePrice.amount",
             "categoryIds[0]", "collectionIds[0]", "tags[0]"],
            ignoreOrder: true);
    }

    [Fact]
    public void Variants_with_the_same_options_are_reported_together_with_the_products_other_mistakes()
    {
        var failure = Refuse(MugInput() with { Name = null, Slug = "mug", Variants = [Variant("MUG-1"), Variant("MUG-2")] });

        failure.ShouldReport("name");
        failure.ShouldReport("variants", "same options");
    }
}
