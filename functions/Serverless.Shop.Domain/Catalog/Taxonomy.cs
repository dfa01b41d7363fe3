using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>A node of the category tree. <see cref="Path"/> lists the ids from the root down to this category.</summary>
public sealed record Category(string Id, string Name, string Slug, string? ParentId, IReadOnlyList<string> Path, string? Description, int SortOrder)
{
    /// <summary>Title, meta description and focus keywords of the category's storefront page.</summary>
    public SeoFields Seo { get; init; } = new(null, null);

    /// <summary>Slugs the category had before, newest last: their pages answer 301 to the current one.</summary>
    public IReadOnlyList<string> FormerSlugs { get; init; } = [];
}

public sealed record CategoryInput(string? Name, string? Slug, string? ParentId, string? Description, int? SortOrder)
{
    public SeoFields? Seo { get; init; }
}

public enum CollectionType { Manual, Rules }

/// <summary>
/// A merchandised group of products: hand-picked (products carry the collection's id) or rule-based
/// (the products matching its rules, computed when the collection is listed, as Shopify's smart collections are).
/// </summary>
public sealed record Collection(
    string Id, string Title, string Slug, CollectionType Type, string? Description,
    IReadOnlyList<CollectionRule> Rules, bool MatchAllRules)
{
    /// <summary>Title, meta description and focus keywords of the collection's storefront page.</summary>
    public SeoFields Seo { get; init; } = new(null, null);

    /// <summary>Slugs the collection had before, newest last: their pages answer 301 to the current one.</summary>
    public IReadOnlyList<string> FormerSlugs { get; init; } = [];
}

public enum RuleField { Tag, Category, Price, Attribute, Name }

public enum RuleOperator { Equals, LessThan, GreaterThan, Contains }

/// <summary>One condition of a rule-based collection, e.g. Tag Equals "summer" or Price LessThan 20.</summary>
public sealed record CollectionRule(RuleField Field, RuleOperator Operator, string Value, string? AttributeName = null);

public sealed record CollectionInput(string? Title, string? Slug, CollectionType? Type, string? Description, IReadOnlyList<CollectionRule>? Rules, bool? MatchAllRules)
{
    public SeoFields? Seo { get; init; }
}

public static class TaxonomyRules
{
    public const int MaximumDepth = 5;
    public const int MaximumRules = 10;

    public static Category BuildCategory(CategoryInput input, string id, IReadOnlyDictionary<string, Category> all, Category? existing)
    {
        var v = new Validator();
        if (v.Required(input.Name, "name")) v.MaxLength(input.Name, 100, "name");
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? Slug.FromName(input.Name ?? "") : input.Slug;
        v.Check(Slug.IsValid(slug), "slug", "must be lower-case letters and digits joined by single hyphens.");
        v.MaxLength(input.Description, 2000, "description");
        v.Check(all.Values.All(c => c.Id == id || (c.Slug != slug && !c.FormerSlugs.Contains(slug))), "slug", $"another category already uses '{slug}' (or used it: its old address redirects there).");
        var seo = SeoRules.Build(input.Seo, "seo", v);

        // Moving a category would change the path stored on every product in it; the shop does not re-index products,
        // so a category keeps its parent for life (see docs/architecture.md).
        var parentId = existing is null ? input.ParentId : existing.ParentId;
        if (existing is not null && input.ParentId is not null && input.ParentId != existing.ParentId)
            v.Add("parentId", "a category cannot be moved to another parent; create a new one instead.");
        Category? parent = null;
        if (parentId is not null && v.Check(all.TryGetValue(parentId, out parent), "parentId", $"there is no category '{parentId}'."))
            v.Check(parent!.Path.Count < MaximumDepth, "parentId", $"categories nest at most {MaximumDepth} levels deep.");
        v.ThrowIfInvalid();

        return new Category(id, input.Name!.Trim(), slug!, parentId, [.. parent?.Path ?? [], id], input.Description, input.SortOrder ?? 0)
        {
            Seo = seo,
            FormerSlugs = SeoRules.FormerSlugsAfter(existing?.Slug, existing?.FormerSlugs, slug!),
        };
    }

    public static Collection BuildCollection(CollectionInput input, string id, IReadOnlyDictionary<string, Collection> all, IReadOnlyDictionary<string, Category> categories)
    {
        all.TryGetValue(id, out var existing);
        var v = new Validator();
        if (v.Required(input.Title, "title")) v.MaxLength(input.Title, 100, "title");
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? Slug.FromName(input.Title ?? "") : input.Slug;
        v.Check(Slug.IsValid(slug), "slug", "must be lower-case letters and digits joined by single hyphens.");
        v.Check(all.Values.All(c => c.Id == id || (c.Slug != slug && !c.FormerSlugs.Contains(slug))), "slug", $"another collection already uses '{slug}' (or used it: its old address redirects there).");
        var seo = SeoRules.Build(input.Seo, "seo", v);
        v.MaxLength(input.Description, 2000, "description");
        v.Required(input.Type, "type");
        var rules = input.Rules ?? [];
        if (input.Type == CollectionType.Rules)
        {
            v.Check(rules.Count is > 0 and <= MaximumRules, "rules", $"a rule-based collection needs 1 to {MaximumRules} rules.");
            for (var i = 0; i < rules.Count; i++) CheckRule(rules[i], $"rules[{i}]", v, categories);
        }
        else
        {
            v.Check(rules.Count == 0, "rules", "a hand-picked collection has no rules; add products to it instead.");
        }
        v.ThrowIfInvalid();
        return new Collection(id, input.Title!.Trim(), slug!, input.Type!.Value, input.Description, rules, input.MatchAllRules ?? true)
        {
            Seo = seo,
            FormerSlugs = SeoRules.FormerSlugsAfter(existing?.Slug, existing?.FormerSlugs, slug!),
        };
    }

    private static void CheckRule(CollectionRule? rule, string field, Validator v, IReadOnlyDictionary<string, Category> categories)
    {
        if (rule is null) { v.Add(field, "must not be null."); return; }
        if (!v.Check(!string.IsNullOrWhiteSpace(rule.Value) && rule.Value.Length <= 100, field + ".value", "must be 1 to 100 characters.")) return;
        var allowed = rule.Field switch
        {
            RuleField.Price => rule.Operator is RuleOperator.LessThan or RuleOperator.GreaterThan,
            RuleField.Name => rule.Operator is RuleOperator.Contains,
            _ => rule.Operator is RuleOperator.Equals,
        };
        v.Check(allowed, field + ".operator", $"{rule.Operator} cannot be used with {rule.Field}.");
        if (rule.Field == RuleField.Price)
            v.Check(decimal.TryParse(rule.Value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var p) && p >= 0,
                field + ".value", "must be a non-negative number.");
        if (rule.Field == RuleField.Category)
            v.Check(categories.ContainsKey(rule.Value), field + ".value", $"there is no category '{rule.Value}'.");
        if (rule.Field == RuleField.Attribute)
            v.Check(!string.IsNullOrWhiteSpace(rule.AttributeName), field + ".attributeName", "is required for an attribute rule.");
    }
}
