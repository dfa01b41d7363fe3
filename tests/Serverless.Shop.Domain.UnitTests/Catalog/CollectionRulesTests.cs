using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class CollectionRulesTests
{
    private const string NewId = "col_new";

    private static IReadOnlyDictionary<string, Collection> Existing => new Dictionary<string, Collection> { [StaffPicks.Id] = StaffPicks };

    private static CollectionInput RuleBased(params CollectionRule[] rules) => new("Summer gifts", null, CollectionType.Rules, null, rules, null);

    private static Collection Create(CollectionInput input) => TaxonomyRules.BuildCollection(input, NewId, Existing, Categories);

    private static ValidationFailedException Refuse(CollectionInput input) =>
        Should.Throw<ValidationFailedException>(() => TaxonomyRules.BuildCollection(input, NewId, Existing, Categories));

    [Fact]
    public void A_hand_picked_collection_needs_only_a_title_and_its_type()
    {
        var collection = Create(new CollectionInput("Editor's Choice", null, CollectionType.Manual, null, null, null));

        collection.ShouldBe(new Collection(NewId, "Editor's Choice", "editor-s-choice", CollectionType.Manual, null, [], true));
    }

    [Fact]
    public void A_collection_needs_a_title_and_a_type()
    {
        var failure = Refuse(new CollectionInput(null, "gifts", null, null, null, null));

        failure.ShouldReport("title", "is required.");
        failure.ShouldReport("type", "is required.");
    }

    [Fact]
    public void A_slug_another_collection_uses_is_refused()
    {
        Refuse(new CollectionInput("Staff picks", null, CollectionType.Manual, null, null, null)).ShouldReport("slug", "already uses 'staff-picks'");
    }

    [Fact]
    public void A_hand_picked_collection_has_no_rules()
    {
        Refuse(new CollectionInput("Picks", null, CollectionType.Manual, null, [new CollectionRule(RuleField.Tag, RuleOperator.Equals, "gift")], null))
            .ShouldReport("rules", "hand-picked collection has no rules");
    }

    [Fact]
    public void A_rule_based_collection_needs_at_least_one_rule()
    {
        Refuse(RuleBased()).ShouldReport("rules", "1 to 10 rules");
    }

    [Fact]
    public void A_rule_based_collection_may_have_10_rules_but_not_11()
    {
        CollectionRule Rule(int i) => new(RuleField.Tag, RuleOperator.Equals, $"tag{i}");

        Create(RuleBased([.. Enumerable.Range(1, 10).Select(Rule)])).Rules.Count.ShouldBe(10);
        Refuse(RuleBased([.. Enumerable.Range(1, 11).Select(Rule)])).ShouldReport("rules", "1 to 10 rules");
    }

    [Fact]
    public void A_rule_based_collection_matches_all_its_rules_unless_told_to_match_any()
    {
        var rule = new CollectionRule(RuleField.Tag, RuleOperator.Equals, "gift");

        Create(RuleBased(rule)).MatchAllRules.ShouldBeTrue();
        Create(RuleBased(rule) with { MatchAllRules = false }).MatchAllRules.ShouldBeFalse();
    }

    [Theory]
    [InlineData(RuleField.Tag, RuleOperator.Equals, "gift")]
    [InlineData(RuleField.Category, RuleOperator.Equals, "cat_mugs")]
    [InlineData(RuleField.Price, RuleOperator.LessThan, "20")]
    [InlineData(RuleField.Price, RuleOperator.GreaterThan, "99.90")]
    [InlineData(RuleField.Name, RuleOperator.Contains, "mug")]
    public void Each_field_is_compared_with_the_operators_that_make_sense_for_it(RuleField field, RuleOperator op, string value)
    {
        Create(RuleBased(new CollectionRule(field, op, value))).Rules.ShouldHaveSingleItem().ShouldBe(new CollectionRule(field, op, value));
    }

    [Fact]
    public void An_attribute_is_compared_for_equality_under_its_name()
    {
        var rule = new CollectionRule(RuleField.Attribute, RuleOperator.Equals, "stoneware", "material");

        Create(RuleBased(rule)).Rules.ShouldBe([rule]);
    }

    [Theory]
    [InlineData(RuleField.Tag, RuleOperator.Contains, "gift")]
    [InlineData(RuleField.Tag, RuleOperator.LessThan, "gift")]
    [InlineData(RuleField.Category, RuleOperator.Contains, "cat_mugs")]
    [InlineData(RuleField.Price, RuleOperator.Equals, "20")]
    [InlineData(RuleField.Price, RuleOperator.Contains, "20")]
    [InlineData(RuleField.Name, RuleOperator.Equals, "mug")]
    [InlineData(RuleField.Name, RuleOperator.GreaterThan, "mug")]
    public void An_operator_that_does_not_fit_the_field_is_refused(RuleField field, RuleOperator op, string value)
    {
        Refuse(RuleBased(new CollectionRule(field, op, value))).ShouldReport("rules[0].operator", "cannot be used with");
    }

    [Fact]
    public void An_attribute_rule_with_another_operator_than_equals_is_refused()
    {
        Refuse(RuleBased(new CollectionRule(RuleField.Attribute, RuleOperator.Contains, "stone", "material"))).ShouldReport("rules[0].operator");
    }

    [Theory]
    [InlineData("twenty")]
    [InlineData("-5")]
    public void A_price_rule_needs_a_non_negative_number(string value)
    {
        Refuse(RuleBased(new CollectionRule(RuleField.Price, RuleOperator.LessThan, value))).ShouldReport("rules[0].value", "non-negative number");
    }

    [Fact]
    public void A_category_rule_must_name_a_category_that_exists()
    {
        Refuse(RuleBased(new CollectionRule(RuleField.Category, RuleOperator.Equals, "cat_nowhere"))).ShouldReport("rules[0].value", "no category 'cat_nowhere'");
    }

    [Fact]
    public void An_attribute_rule_needs_the_attributes_name()
    {
        Refuse(RuleBased(new CollectionRule(RuleField.Attribute, RuleOperator.Equals, "stoneware"))).ShouldReport("rules[0].attributeName", "is required");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_rule_needs_a_value(string value)
    {
        Refuse(RuleBased(new CollectionRule(RuleField.Tag, RuleOperator.Equals, value))).ShouldReport("rules[0].value", "1 to 100 characters");
    }

    [Fact]
    public void A_missing_rule_is_refused_at_its_position()
    {
        Refuse(RuleBased(new CollectionRule(RuleField.Tag, RuleOperator.Equals, "gift"), null!)).ShouldReport("rules[1]", "must not be null");
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_its_own_position()
    {
        var failure = Refuse(RuleBased(
            new CollectionRule(RuleField.Tag, RuleOperator.Equals, "gift"),
            new CollectionRule(RuleField.Price, RuleOperator.Equals, "cheap"),
            new CollectionRule(RuleField.Attribute, RuleOperator.Equals, "red")));

        failure.Errors.Keys.ShouldBe(["rules[1].operator", "rules[1].value", "rules[2].attributeName"], ignoreOrder: true);
    }
}
