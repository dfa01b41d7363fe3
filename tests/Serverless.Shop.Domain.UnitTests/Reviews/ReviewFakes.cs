using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Reviews;

namespace Serverless.Shop.Domain.UnitTests.Reviews;

/// <summary>Reviews in memory with the store's contract: a second create of the same id is a duplicate, a stale replace is refused.</summary>
internal sealed class InMemoryReviewStore : IReviewStore
{
    private readonly object _lock = new();
    private readonly Dictionary<(string Product, string Id), Versioned<Review>> _reviews = [];
    private readonly HashSet<string> _invited = new(StringComparer.Ordinal);
    private int _lastVersion;

    public int Writes { get; private set; }

    /// <summary>Runs after the approved ratings were read and before they are returned: another writer's moment.</summary>
    public Func<Task>? AfterRatingsRead { get; set; }

    public IReadOnlyList<Review> All { get { lock (_lock) return _reviews.Values.Select(v => v.Value).ToList(); } }

    public Task<Versioned<Review>?> FindAsync(string productId, string reviewId, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_reviews.GetValueOrDefault((productId, reviewId)));
    }

    public Task<string> CreateAsync(Review review, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_reviews.ContainsKey((review.ProductId, review.Id))) throw new DuplicateResourceException("review", "already reviewed");
            Writes++;
            return Task.FromResult((_reviews[(review.ProductId, review.Id)] = new(review, NextVersion())).Version);
        }
    }

    public Task<string> ReplaceAsync(Review review, string expectedVersion, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_reviews.TryGetValue((review.ProductId, review.Id), out var stored) || stored.Version != expectedVersion) throw new StaleVersionException("Review");
            Writes++;
            return Task.FromResult((_reviews[(review.ProductId, review.Id)] = new(review, NextVersion())).Version);
        }
    }

    public Task DeleteAsync(string productId, string reviewId, CancellationToken ct)
    {
        lock (_lock) _reviews.Remove((productId, reviewId));
        return Task.CompletedTask;
    }

    public Task<Page<Review>> ListApprovedAsync(string productId, ReviewSort sort, PageRequest page, CancellationToken ct)
    {
        lock (_lock)
        {
            var approved = _reviews.Values.Select(v => v.Value).Where(r => r.ProductId == productId && r.Status == ReviewStatus.Approved);
            var sorted = sort switch
            {
                ReviewSort.MostHelpful => approved.OrderByDescending(r => r.HelpfulVotes),
                ReviewSort.HighestRating => approved.OrderByDescending(r => r.Rating),
                ReviewSort.LowestRating => approved.OrderBy(r => r.Rating),
                _ => approved.OrderByDescending(r => r.CreatedAt),
            };
            return Task.FromResult(new Page<Review>(sorted.Take(page.Size).ToList(), null));
        }
    }

    public async Task<IReadOnlyList<int>> ApprovedRatingsAsync(string productId, CancellationToken ct)
    {
        List<int> ratings;
        lock (_lock) ratings = _reviews.Values.Select(v => v.Value).Where(r => r.ProductId == productId && r.Status == ReviewStatus.Approved).Select(r => r.Rating).ToList();
        if (AfterRatingsRead is { } hook)
        {
            AfterRatingsRead = null;
            await hook();
        }
        return ratings;
    }

    public Task<Page<Review>> ListPendingAsync(PageRequest page, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(new Page<Review>(_reviews.Values.Select(v => v.Value).Where(r => r.Status == ReviewStatus.Pending).OrderBy(r => r.UpdatedAt).Take(page.Size).ToList(), null));
    }

    public Task<IReadOnlyList<Review>> ListByAuthorAsync(string authorKey, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<Review>>(_reviews.Values.Select(v => v.Value).Where(r => r.AuthorKey() == authorKey).OrderByDescending(r => r.CreatedAt).ToList());
    }

    public Task<bool> WasInvitedAsync(string orderNumber, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_invited.Contains(orderNumber));
    }

    public Task RecordInvitationAsync(string orderNumber, DateTimeOffset sentAt, CancellationToken ct)
    {
        lock (_lock) _invited.Add(orderNumber);
        return Task.CompletedTask;
    }

    private string NextVersion() => $"\"r{++_lastVersion}\"";
}

internal sealed class FixedInvitationKey(byte[] key) : IReviewInvitationKey
{
    public static readonly FixedInvitationKey Default = new([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    public byte[] Key => key;
}
