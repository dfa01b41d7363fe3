using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

public enum ProductSort { Newest, PriceAscending, PriceDescending, Name }

/// <summary>What a listing asks for. Every condition narrows the result (they are combined with AND).</summary>
public sealed record ProductFilter
{
    public string? CategoryId { get; init; }
    public string? Tag { get; init; }
    public string? CollectionId { get; init; }

    /// <summary>Conditions of a rule-based collection; combined with AND or OR as <see cref="MatchAllRules"/> says.</summary>
    public IReadOnlyList<CollectionRule> Rules { get; init; } = [];
    public bool MatchAllRules { get; init; } = true;

    public decimal? MinPrice { get; init; }
    public decimal? MaxPrice { get; init; }

    /// <summary>Attribute or option facets as "name:value", lower-case.</summary>
    public IReadOnlyList<string> Facets { get; init; } = [];

    public string? NameContains { get; init; }

    /// <summary>Null means every status (for staff); shoppers always get <see cref="ProductStatus.Active"/>.</summary>
    public ProductStatus? Status { get; init; }

    public ProductSort Sort { get; init; } = ProductSort.Newest;
}

/// <summary>The query string of a product listing, as received; parsed and checked into a <see cref="ProductFilter"/>.</summary>
public sealed record ProductListingQuery(
    string? Category, string? Tag, string? Collection, string? MinPrice, string? MaxPrice, IReadOnlyList<string> Attributes,
    string? Search, string? Status, string? Sort, string? PageSize, string? ContinuationToken);
