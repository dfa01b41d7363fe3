using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>What a merchandiser sends to create a product or replace its editable fields. Every field is checked by <see cref="ProductRules"/>.</summary>
public sealed record ProductInput
{
    public string? Name { get; init; }
    public string? Slug { get; init; }
    public ProductStatus? Status { get; init; }
    public DescriptionInput? Description { get; init; }
    public IReadOnlyList<AttributeInput>? Attributes { get; init; }
    public IReadOnlyList<VariantInput>? Variants { get; init; }
    public SeoFields? Seo { get; init; }
    public IReadOnlyList<string>? CategoryIds { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public IReadOnlyList<string>? CollectionIds { get; init; }

    /// <summary>The product's tax class; when left out, the product keeps its class (a new one gets "standard").</summary>
    public string? TaxClass { get; init; }

    /// <summary>Weight and size of a packed unit, for every variant that gives none; left out, the product has none.</summary>
    public MeasurementsInput? Measurements { get; init; }
}

public sealed record DescriptionInput(RichTextFormat? Format, string? Content);

public sealed record AttributeInput(string? Name, AttributeType? Type, string? Value, string? Unit);

public sealed record VariantInput(string? Sku, string? Name, IReadOnlyDictionary<string, string>? Options, Money? Price, Money? SalePrice)
{
    /// <summary>This variant's own weight and size, when it differs from the product's.</summary>
    public MeasurementsInput? Measurements { get; init; }

    /// <summary>The manufacturer's GTIN (EAN/UPC/ISBN), digits with a valid check digit; optional.</summary>
    public string? Gtin { get; init; }

    /// <summary>The manufacturer's part number; optional.</summary>
    public string? Mpn { get; init; }
}

/// <summary>The rules a product must satisfy, and the derived fields (price range, facets, category path) computed from it.</summary>
public static partial class ProductRules
{
    public const int MaximumNameLength = 200;
    public const int MaximumVariants = 100;
    public const int MaximumAttributes = 50;
    public const int MaximumTags = 50;
    public const int MaximumTagLength = 50;
    public const int MaximumSeoTitleLength = 70;
    public const int MaximumMetaDescriptionLength = 160;
    public const int MaximumTaxClassLength = 32;

    /// <summary>The tax class of a product that names none, and of shipping (docs/pricing.md).</summary>
    public const string StandardTaxClass = "standard";

    /// <summary>SKUs are upper-case letters, digits, dot, underscore and hyphen, as most ERPs and carriers accept.</summary>
    public static bool IsValidSku(string? sku) => sku is { Length: > 0 and <= 64 } && SkuPattern().IsMatch(sku);

    public static string NormaliseTag(string tag) => tag.Trim().ToLowerInvariant();

    /// <summary>Tax classes are keys of the tax rate table: lower-case letters, digits and hyphens, at most 32 characters.</summary>
    public static bool IsValidTaxClass(string? taxClass) => taxClass is { Length: > 0 and <= MaximumTaxClassLength } && TaxClassPattern().IsMatch(taxClass);

    /// <summary>Checks the input and builds the product. <paramref name="categories"/> are all categories, to check ids and compute paths.</summary>
    public static Product Build(
        ProductInput input, string id, Product? existing, IReadOnlyDictionary<string, Category> categories,
        IReadOnlySet<string> manualCollectionIds, string shopCurrency, DateTimeOffset now)
    {
        var v = new Validator();
        if (v.Required(input.Name, "name")) v.MaxLength(input.Name, MaximumNameLength, "name");

        var slug = string.IsNullOrWhiteSpace(input.Slug) ? Catalog.Slug.FromName(input.Name ?? "") : input.Slug;
        v.Check(Catalog.Slug.IsValid(slug), "slug", "must be lower-case letters and digits joined by single hyphens, at most 100 characters.");

        var description = BuildDescription(input.Description, v);
        var attributes = BuildAttributes(input.Attributes ?? [], v);
        var variants = BuildVariants(input.Variants, v, shopCurrency);

        var seo = SeoRules.Build(input.Seo, "seo", v);

        // Checked as sent, so an error names the position the client used; duplicates are dropped afterwards.
        var sentCategories = input.CategoryIds ?? [];
        for (var i = 0; i < sentCategories.Count; i++)
            v.Check(sentCategories[i] is not null && categories.ContainsKey(sentCategories[i]), $"categoryIds[{i}]", $"there is no category '{sentCategories[i]}'.");
        var categoryIds = sentCategories.Distinct(StringComparer.Ordinal).ToList();

        var sentCollections = input.CollectionIds ?? [];
        for (var i = 0; i < sentCollections.Count; i++)
            v.Check(sentCollections[i] is not null && manualCollectionIds.Contains(sentCollections[i]), $"collectionIds[{i}]", $"there is no hand-picked collection '{sentCollections[i]}'.");
        var collectionIds = sentCollections.Distinct(StringComparer.Ordinal).ToList();

        var sentTags = input.Tags ?? [];
        for (var i = 0; i < sentTags.Count; i++)
            v.Check(sentTags[i] is not null && NormaliseTag(sentTags[i]).Length is > 0 and <= MaximumTagLength, $"tags[{i}]", $"must be 1 to {MaximumTagLength} characters.");
        var tags = sentTags.Where(t => t is not null).Select(NormaliseTag).Distinct(StringComparer.Ordinal).ToList();
        v.Check(tags.Count <= MaximumTags, "tags", $"must have at most {MaximumTags} tags.");

        var taxClass = input.TaxClass is null ? existing?.TaxClass ?? StandardTaxClass : input.TaxClass.Trim().ToLowerInvariant();
        v.Check(IsValidTaxClass(taxClass), "taxClass", $"must be 1 to {MaximumTaxClassLength} lower-case letters, digits or hyphens, such as 'standard' or 'reduced'.");

        var measurements = MeasurementRules.Build(input.Measurements, "measurements", v);

        v.ThrowIfInvalid();

        var prices = variants.Select(x => x.EffectivePrice.Amount).ToList();
        return new Product
        {
            Id = id,
            Name = input.Name!.Trim(),
            Slug = slug!,
            FormerSlugs = SeoRules.FormerSlugsAfter(existing?.Slug, existing?.FormerSlugs, slug!),
            Status = input.Status ?? existing?.Status ?? ProductStatus.Draft,
            Description = description,
            Attributes = attributes,
            Variants = variants,
            Seo = seo,
            CategoryIds = categoryIds,
            CategoryPath = categoryIds.SelectMany(c => categories[c].Path).Distinct(StringComparer.Ordinal).ToList(),
            Tags = tags,
            CollectionIds = collectionIds,
            Images = existing?.Images ?? [],
            TaxClass = taxClass,
            Measurements = measurements,
            PriceRange = new PriceRange(prices.Min(), prices.Max(), shopCurrency),
            Facets = Facets(attributes, variants),
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
            // The rating is the reviews', not the merchandiser's: an edit of the product keeps it.
            Rating = existing?.Rating,
            // Flash sales are the marketers' (ManageFlashSales): an edit of the product keeps them.
            FlashSales = existing?.FlashSales,
        };
    }

    public static string Facet(string name, string value) => $"{name.Trim().ToLowerInvariant()}:{value.Trim().ToLowerInvariant()}";

    private static List<string> Facets(IEnumerable<ProductAttribute> attributes, IEnumerable<ProductVariant> variants) =>
        attributes.Select(a => Facet(a.Name, a.Value))
            .Concat(variants.SelectMany(x => x.Options.Select(o => Facet(o.Key, o.Value))))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static RichText BuildDescription(DescriptionInput? input, Validator v)
    {
        if (input is null || string.IsNullOrEmpty(input.Content)) return RichText.Empty;
        if (!v.MaxLength(input.Content, RichText.MaximumLength, "description.content")) return RichText.Empty;
        return RichText.From(input.Format ?? RichTextFormat.Markdown, input.Content);
    }

    private static List<ProductAttribute> BuildAttributes(IReadOnlyList<AttributeInput> inputs, Validator v)
    {
        v.Check(inputs.Count <= MaximumAttributes, "attributes", $"must have at most {MaximumAttributes} attributes.");
        var result = new List<ProductAttribute>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < inputs.Count; i++)
        {
            var a = inputs[i];
            var field = $"attributes[{i}]";
            if (a is null) { v.Add(field, "must not be null."); continue; }
            var ok = v.Required(a.Name, field + ".name") && v.MaxLength(a.Name, 50, field + ".name");
            ok &= v.Required(a.Type, field + ".type");
            ok &= v.Required(a.Value, field + ".value") && v.MaxLength(a.Value, 200, field + ".value");
            if (!ok) continue;
            if (!v.Check(names.Add(a.Name!.Trim()), field + ".name", $"'{a.Name}' is given twice.")) continue;
            if (!v.Check(IsValidValue(a.Type!.Value, a.Value!), field + ".value", ExpectedValue(a.Type!.Value))) continue;
            result.Add(new ProductAttribute(a.Name.Trim(), a.Type.Value, a.Value!.Trim(), string.IsNullOrWhiteSpace(a.Unit) ? null : a.Unit.Trim()));
        }
        return result;
    }

    private static List<ProductVariant> BuildVariants(IReadOnlyList<VariantInput>? inputs, Validator v, string shopCurrency)
    {
        var result = new List<ProductVariant>();
        if (!v.Check(inputs is { Count: > 0 }, "variants", "must have at least one variant (a product with no options has one).")) return result;
        if (!v.Check(inputs!.Count <= MaximumVariants, "variants", $"must have at most {MaximumVariants} variants.")) return result;
        var skus = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var x = inputs[i];
            var field = $"variants[{i}]";
            if (x is null) { v.Add(field, "must not be null."); continue; }
            var sku = x.Sku?.Trim().ToUpperInvariant();
            if (v.Check(IsValidSku(sku), field + ".sku", "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."))
                v.Check(skus.Add(sku!), field + ".sku", $"'{sku}' is used by another variant of this product.");
            Money.Validate(x.Price, field + ".price", v, shopCurrency);
            if (x.SalePrice is not null)
            {
                Money.Validate(x.SalePrice, field + ".salePrice", v, shopCurrency);
                if (x.Price is not null)
                    v.Check(x.SalePrice.Amount < x.Price.Amount, field + ".salePrice.amount", "must be lower than the list price.");
            }
            var options = x.Options ?? new Dictionary<string, string>();
            v.Check(options.Count <= 10, field + ".options", "must have at most 10 options.");
            var optionNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in options)
            {
                if (v.Check(!string.IsNullOrWhiteSpace(name) && name.Length <= 50 && !string.IsNullOrWhiteSpace(value) && value.Length <= 100,
                        $"{field}.options.{name}", "option names (1-50 characters) and values (1-100 characters) must not be blank."))
                    v.Check(optionNames.Add(name.Trim()), $"{field}.options.{name}", $"the option '{name.Trim()}' is given twice.");
            }
            v.MaxLength(x.Name, 200, field + ".name");
            var measurements = MeasurementRules.Build(x.Measurements, field + ".measurements", v);
            var gtin = string.IsNullOrWhiteSpace(x.Gtin) ? null : x.Gtin.Trim();
            v.Check(gtin is null || IsValidGtin(gtin), field + ".gtin", "must be a GTIN (EAN, UPC or ISBN) of 8, 12, 13 or 14 digits with a valid check digit.");
            var mpn = string.IsNullOrWhiteSpace(x.Mpn) ? null : x.Mpn.Trim();
            v.Check(mpn is null || (mpn.Length <= MaximumMpnLength && !mpn.Any(char.IsControl)), field + ".mpn", $"must be at most {MaximumMpnLength} printable characters.");
            if (sku is not null && x.Price is not null && !v.HasErrorsUnder(field + ".options"))
                result.Add(new ProductVariant(sku, x.Name?.Trim(), options.ToDictionary(o => o.Key.Trim(), o => o.Value.Trim()), x.Price, x.SalePrice) { Measurements = measurements, Gtin = gtin, Mpn = mpn });
        }
        if (!v.HasErrorsUnder("variants"))
        {
            var combinations = result.Select(x => string.Join("|", x.Options.OrderBy(o => o.Key, StringComparer.OrdinalIgnoreCase).Select(o => Facet(o.Key, o.Value)))).ToList();
            v.Check(combinations.Distinct(StringComparer.Ordinal).Count() == combinations.Count, "variants", "two variants have the same options.");
        }
        return result;
    }

    /// <summary>Google Merchant Center's limit for a manufacturer part number.</summary>
    public const int MaximumMpnLength = 70;

    /// <summary>A GTIN-8, -12, -13 or -14: all digits, the last one the GS1 check digit of the others.</summary>
    public static bool IsValidGtin(string gtin)
    {
        if (gtin.Length is not (8 or 12 or 13 or 14) || !gtin.All(char.IsAsciiDigit)) return false;
        var sum = 0;
        // From the right, leaving out the check digit: weights 3, 1, 3, 1 ...
        var weight = 3;
        for (var i = gtin.Length - 2; i >= 0; i--, weight = 4 - weight) sum += (gtin[i] - '0') * weight;
        return (10 - sum % 10) % 10 == gtin[^1] - '0';
    }

    private static bool IsValidValue(AttributeType type, string value) => type switch
    {
        AttributeType.Number => decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out _),
        AttributeType.Boolean => value is "true" or "false",
        AttributeType.Colour => ColourPattern().IsMatch(value),
        _ => !string.IsNullOrWhiteSpace(value),
    };

    private static string ExpectedValue(AttributeType type) => type switch
    {
        AttributeType.Number => "must be a number such as 12.5.",
        AttributeType.Boolean => "must be true or false.",
        AttributeType.Colour => "must be a colour name or a hex code such as #1a2b3c.",
        _ => "must not be blank.",
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex TaxClassPattern();

    [GeneratedRegex("^(#[0-9a-fA-F]{6}|[A-Za-z][A-Za-z ]{0,29})$")]
    private static partial Regex ColourPattern();
}
