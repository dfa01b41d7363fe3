using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>Where a product shows up: its categories, hand-picked collections and tags.</summary>
public sealed class ProductPlacementTests
{
    [Fact]
    public void A_product_in_a_subcategory_is_also_listed_under_its_ancestors()
    {
        var product = Build(MugInput() with { CategoryIds = [Mugs.Id] });

        product.CategoryIds.ShouldBe([Mugs.Id]);
        product.CategoryPath.ShouldBe([Kitchen.Id, Mugs.Id]);
    }

    [Fact]
    public void A_category_given_twice_is_kept_once()
    {
        Build(MugInput() with { CategoryIds = [Mugs.Id, Mugs.Id, Kitchen.Id] }).CategoryIds.ShouldBe([Mugs.Id, Kitchen.Id]);
    }

    [Fact]
    public void An_unknown_category_id_is_refused()
    {
        Refuse(MugInput() with { CategoryIds = [Mugs.Id, "cat_nowhere"] }).ShouldReport("categoryIds[1]", "no category 'cat_nowhere'");
    }

    [Fact]
    public void A_product_may_be_put_in_a_hand_picked_collection()
    {
        Build(MugInput() with { CollectionIds = [StaffPicks.Id] }).CollectionIds.ShouldBe([StaffPicks.Id]);
    }

    [Fact]
    public void An_unknown_collection_id_is_refused()
    {
        Refuse(MugInput() with { CollectionIds = ["col_nowhere"] }).ShouldReport("collectionIds[0]", "no hand-picked collection 'col_nowhere'");
    }

    [Fact]
    public void Tags_are_kept_trimmed_lower_case_and_once()
    {
        Build(MugInput() with { Tags = [" Summer ", "summer", "GIFT"] }).Tags.ShouldBe(["summer", "gift"]);
    }

    [Fact]
    public void Fifty_different_tags_are_accepted()
    {
        Build(MugInput() with { Tags = [.. Enumerable.Range(1, 50).Select(i => $"tag{i}")] }).Tags.Count.ShouldBe(50);
    }

    [Fact]
    public void More_than_50_different_tags_are_refused()
    {
        Refuse(MugInput() with { Tags = [.. Enumerable.Range(1, 51).Select(i => $"tag{i}")] }).ShouldReport("tags", "at most 50 tags");
    }

    [Fact]
    public void Tags_that_are_the_same_once_normalised_count_once_towards_the_limit()
    {
        var tags = Enumerable.Range(1, 50).Select(i => $"tag{i}").Append("TAG1").ToList();

        Build(MugInput() with { Tags = tags }).Tags.Count.ShouldBe(50);
    }

    [Fact]
    public void A_blank_tag_is_refused()
    {
        Refuse(MugInput() with { Tags = ["   "] }).ShouldReport("tags[0]", "1 to 50 characters");
    }

    [Fact]
    public void A_tag_of_51_characters_is_refused()
    {
        Refuse(MugInput() with { Tags = [new string('t', 51)] }).ShouldReport("tags[0]", "1 to 50 characters");
    }

    // Field paths name the position the client sent, so a form can mark the right entry.
    [Fact]
    public void A_bad_tag_is_reported_at_the_position_the_client_sent_it()
    {
        Refuse(MugInput() with { Tags = ["summer", "Summer", "  "] }).ShouldReport("tags[2]");
    }

    [Fact]
    public void An_unknown_category_is_reported_at_the_position_the_client_sent_it()
    {
        Refuse(MugInput() with { CategoryIds = [Mugs.Id, Mugs.Id, "cat_nowhere"] }).ShouldReport("categoryIds[2]");
    }

    // JSON ["summer", null] arrives with a null element: that is a 400 naming the entry, as it is for variants and attributes.
    [Fact]
    public void A_tag_sent_as_null_is_refused_at_its_position()
    {
        Refuse(MugInput() with { Tags = ["summer", null!] }).ShouldReport("tags[1]");
    }
}
