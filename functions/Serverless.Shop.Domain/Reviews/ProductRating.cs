namespace Serverless.Shop.Domain.Reviews;

/// <summary>
/// The rating of a product from its approved reviews, kept on the product document so a product read stays one
/// Cosmos DB call. Always computed whole from the approved reviews (<see cref="ProductRatings"/>), never by deltas, so
/// computing it again gives the same value and a lost update heals on the next one.
/// </summary>
/// <param name="CountByStar">How many approved reviews gave each rating, keyed "1" to "5".</param>
public sealed record ProductRating(decimal Average, int Count, IReadOnlyDictionary<string, int> CountByStar)
{
    public static ProductRating Of(IReadOnlyCollection<int> ratings)
    {
        var byStar = Enumerable.Range(ReviewRules.MinimumRating, ReviewRules.MaximumRating - ReviewRules.MinimumRating + 1)
            .ToDictionary(star => star.ToString(System.Globalization.CultureInfo.InvariantCulture), star => ratings.Count(r => r == star));
        var average = ratings.Count == 0 ? 0m : Math.Round((decimal)ratings.Sum() / ratings.Count, 2, MidpointRounding.AwayFromZero);
        return new ProductRating(average, ratings.Count, byStar);
    }

    // By value, counts per star included (a record compares the dictionary by reference): "already right" means equal.
    public bool Equals(ProductRating? other) =>
        other is not null && other.Average == Average && other.Count == Count
        && CountByStar.Count == other.CountByStar.Count && CountByStar.All(kv => other.CountByStar.TryGetValue(kv.Key, out var n) && n == kv.Value);

    public override int GetHashCode() => HashCode.Combine(Average, Count);
}
