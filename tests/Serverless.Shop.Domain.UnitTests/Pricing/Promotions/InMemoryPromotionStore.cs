using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

/// <summary>
/// Promotions in memory with the store's contract: versions change on every write, an outdated replace or delete is
/// refused with <see cref="StaleVersionException"/>, and a code held by another promotion is a <see cref="DuplicateResourceException"/>.
/// Listings record the filter asked for.
/// </summary>
internal sealed class InMemoryPromotionStore : IPromotionStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Versioned<Promotion>> _promotions = new(StringComparer.Ordinal);
    private readonly List<(PromotionFilter Filter, PageRequest Page)> _listings = [];
    private int _lastVersion;

    public int Writes { get; private set; }

    public IReadOnlyList<(PromotionFilter Filter, PageRequest Page)> Listings { get { lock (_lock) return _listings.ToList(); } }

    public Versioned<Promotion> Add(Promotion promotion)
    {
        lock (_lock) return _promotions[promotion.Id] = new Versioned<Promotion>(promotion, NextVersion());
    }

    public Versioned<Promotion>? Current(string id)
    {
        lock (_lock) return _promotions.GetValueOrDefault(id);
    }

    public void Remove(string id)
    {
        lock (_lock) _promotions.Remove(id);
    }

    public Task<Versioned<Promotion>?> FindByIdAsync(string id, CancellationToken ct) => Task.FromResult(Current(id));

    public Task<IReadOnlyList<Versioned<Promotion>>> FindManyByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Versioned<Promotion>>>([.. ids.Distinct(StringComparer.Ordinal).Select(Current).OfType<Versioned<Promotion>>()]);

    public Task<Page<Promotion>> ListAsync(PromotionFilter filter, PageRequest page, CancellationToken ct)
    {
        lock (_lock)
        {
            _listings.Add((filter, page));
            return Task.FromResult(new Page<Promotion>(_promotions.Values.Select(p => p.Value).Take(page.Size).ToList(), null));
        }
    }

    public Task<string> CreateAsync(Promotion promotion, CancellationToken ct)
    {
        lock (_lock)
        {
            RefuseTakenCode(promotion);
            Writes++;
            return Task.FromResult((_promotions[promotion.Id] = new Versioned<Promotion>(promotion, NextVersion())).Version);
        }
    }

    public Task<string> ReplaceAsync(Promotion promotion, Versioned<Promotion> previous, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_promotions.TryGetValue(promotion.Id, out var stored) || stored.Version != previous.Version) throw new StaleVersionException("Promotion");
            RefuseTakenCode(promotion);
            Writes++;
            return Task.FromResult((_promotions[promotion.Id] = new Versioned<Promotion>(promotion, NextVersion())).Version);
        }
    }

    public Task DeleteAsync(Promotion promotion, string expectedVersion, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_promotions.TryGetValue(promotion.Id, out var stored) || stored.Version != expectedVersion) throw new StaleVersionException("Promotion");
            Writes++;
            _promotions.Remove(promotion.Id);
        }
        return Task.CompletedTask;
    }

    private void RefuseTakenCode(Promotion promotion)
    {
        if (promotion.Code is not null && _promotions.Values.Any(p => p.Value.Id != promotion.Id && p.Value.Code == promotion.Code))
            throw new DuplicateResourceException("code", $"The code {promotion.Code} is already used.");
    }

    private string NextVersion() => $"\"p{++_lastVersion}\"";
}
