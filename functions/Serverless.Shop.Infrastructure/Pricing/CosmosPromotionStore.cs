using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Pricing;

/// <summary>
/// Promotions in the <c>promotions</c> container (partition key /id): a promotion read is one point read. Cosmos DB
/// enforces uniqueness only inside a logical partition, so each code is claimed by a small document whose id is the
/// code (<c>code:SPRING20</c>, its own partition): creating it fails with 409 when another promotion holds the code.
/// <para>
/// As <see cref="IPromotionCatalog"/> for the pricing engine: <see cref="ListLiveAutomaticAsync"/> serves the enabled
/// automatic promotions from a set cached for <see cref="CacheLifetime"/> (one query per instance per lifetime, shared by
/// concurrent callers; 0 Cosmos DB calls otherwise); <see cref="FindByCodesAsync"/> is always fresh, one query
/// (0 calls when no code is well-formed). Writes through this instance drop the cache at once; other instances see them
/// within the lifetime.
/// </para>
/// </summary>
public sealed class CosmosPromotionStore(ShopContainers containers, TimeProvider clock) : IPromotionStore, IPromotionCatalog
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private readonly RecentCopy<IReadOnlyList<Promotion>> _enabledAutomatic = new(clock, CacheLifetime);

    private Container Promotions => containers.Promotions;

    public async Task<Versioned<Promotion>?> FindByIdAsync(string id, CancellationToken ct)
    {
        try
        {
            var response = await Promotions.ReadItemAsync<PromotionDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return response.Resource.Type == PromotionDocument.Kind ? new(response.Resource.Promotion!, response.ETag) : null;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<Versioned<Promotion>>> FindManyByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        // One ReadMany of point reads (the partition key is the id); the type check leaves out a code claim or a stray document.
        var items = ids.Distinct(StringComparer.Ordinal).Select(id => (id, new PartitionKey(id))).ToList();
        var response = await Promotions.ReadManyItemsAsync<PromotionDocument>(items, cancellationToken: ct);
        return [.. response.Where(d => d.Type == PromotionDocument.Kind && d.Promotion is not null).Select(d => new Versioned<Promotion>(d.Promotion!, d.ETag!))];
    }

    public async Task<Page<Promotion>> ListAsync(PromotionFilter filter, PageRequest page, CancellationToken ct)
    {
        using var feed = Promotions.GetItemQueryIterator<Promotion>(PromotionQueries.Listing(filter), page.ContinuationToken,
            new QueryRequestOptions { MaxItemCount = page.Size });
        try
        {
            var response = await feed.ReadNextAsync(ct);
            return new Page<Promotion>(response.ToList(), response.ContinuationToken);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued for this listing.");
        }
    }

    public async Task<string> CreateAsync(Promotion promotion, CancellationToken ct)
    {
        if (promotion.Code is not null) await ClaimCodeAsync(promotion.Code, promotion.Id, ct);
        try
        {
            var response = await Promotions.CreateItemAsync(PromotionDocument.From(promotion), new PartitionKey(promotion.Id), cancellationToken: ct);
            return response.ETag;
        }
        catch
        {
            if (promotion.Code is not null) await ReleaseCodeAsync(promotion.Code, promotion.Id);
            throw;
        }
        finally
        {
            _enabledAutomatic.Invalidate();
        }
    }

    public async Task<string> ReplaceAsync(Promotion promotion, Versioned<Promotion> previous, CancellationToken ct)
    {
        var oldCode = previous.Value.Code;
        var newCode = promotion.Code;
        var codeChanged = oldCode != newCode;
        if (codeChanged && newCode is not null) await ClaimCodeAsync(newCode, promotion.Id, ct);
        try
        {
            var response = await Promotions.ReplaceItemAsync(PromotionDocument.From(promotion), promotion.Id, new PartitionKey(promotion.Id),
                new ItemRequestOptions { IfMatchEtag = previous.Version }, ct);
            if (codeChanged && oldCode is not null) await ReleaseCodeAsync(oldCode, promotion.Id);
            return response.ETag;
        }
        catch (Exception e)
        {
            // The promotion was not replaced: the new code must not stay claimed (a failed update leaves nothing behind).
            if (codeChanged && newCode is not null) await ReleaseCodeAsync(newCode, promotion.Id);
            if (e is CosmosException c && c.Is(HttpStatusCode.PreconditionFailed)) throw new StaleVersionException("Promotion");
            if (e is CosmosException n && n.Is(HttpStatusCode.NotFound)) throw new ResourceNotFoundException("Promotion", promotion.Id);
            throw;
        }
        finally
        {
            _enabledAutomatic.Invalidate();
        }
    }

    public async Task DeleteAsync(Promotion promotion, string expectedVersion, CancellationToken ct)
    {
        try
        {
            await Promotions.DeleteItemAsync<PromotionDocument>(promotion.Id, new PartitionKey(promotion.Id), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            throw new StaleVersionException("Promotion");
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            throw new ResourceNotFoundException("Promotion", promotion.Id);
        }
        finally
        {
            _enabledAutomatic.Invalidate();
        }
        // The promotion is gone first, so a crash here leaves a claim whose holder no longer has the code: the next
        // promotion to claim the code takes it over.
        if (promotion.Code is not null) await ReleaseCodeAsync(promotion.Code, promotion.Id);
    }

    /// <summary>Enabled automatic promotions live at <paramref name="at"/>: 0 Cosmos DB calls while the cached set is fresh, 1 query otherwise.</summary>
    public async Task<IReadOnlyList<Promotion>> ListLiveAutomaticAsync(DateTimeOffset at, CancellationToken ct)
    {
        var enabled = await _enabledAutomatic.GetAsync(LoadEnabledAutomaticAsync).WaitAsync(ct);
        return enabled.Where(p => p.IsLiveAt(at)).ToList();
    }

    /// <summary>Promotions with these codes in any state (codes in any case; malformed ones cannot exist): 1 query, 0 calls when none is well-formed.</summary>
    public async Task<IReadOnlyList<Promotion>> FindByCodesAsync(IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        var wanted = codes.Where(c => c is not null).Select(PromotionRules.NormaliseCode).Where(PromotionRules.IsValidCode).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0) return [];
        var result = new List<Promotion>();
        using var feed = Promotions.GetItemQueryIterator<Promotion>(PromotionQueries.ByCodes(wanted), requestOptions: new QueryRequestOptions { MaxItemCount = wanted.Count });
        while (feed.HasMoreResults)
            result.AddRange(await feed.ReadNextAsync(ct));
        return result;
    }

    // The set leaves out promotions whose end has passed, so it does not grow with every finished campaign; those that
    // end while cached are filtered by IsLiveAt. Loaded without the caller's token: concurrent callers share the load.
    private async Task<IReadOnlyList<Promotion>> LoadEnabledAutomaticAsync()
    {
        var result = new List<Promotion>();
        using var feed = Promotions.GetItemQueryIterator<Promotion>(PromotionQueries.EnabledAutomatic(clock.GetUtcNow()), requestOptions: new QueryRequestOptions { MaxItemCount = 1000 });
        while (feed.HasMoreResults)
            result.AddRange(await feed.ReadNextAsync(CancellationToken.None));
        return await WithoutUsedUpAsync(result);
    }

    // A limited automatic promotion (a flash sale for the first N orders) that is used up stops showing in carts, within
    // the cache's lifetime; otherwise shoppers would be shown a discount that checkout then refuses. One ReadMany of the
    // "uses" counters, and only when a limited promotion exists. Checkout still holds the limit exactly.
    private async Task<IReadOnlyList<Promotion>> WithoutUsedUpAsync(List<Promotion> promotions)
    {
        var limited = promotions.Where(p => p.UsageLimit is not null).ToList();
        if (limited.Count == 0) return promotions;
        var usesId = CosmosPromotionUsageStore.CounterId(UsageCounter.Uses);
        var counters = await containers.CouponUsage.ReadManyItemsAsync<CosmosPromotionUsageStore.CounterDocument>(
            limited.Select(p => (usesId, new PartitionKey(CosmosPromotionUsageStore.PartitionFor(p.Id)))).ToList());
        var uses = counters.ToDictionary(c => c.PromotionId, c => c.Units);
        return promotions.Where(p => p.UsageLimit is not { } limit || uses.GetValueOrDefault(p.Id) < limit).ToList();
    }

    private Task ClaimCodeAsync(string code, string promotionId, CancellationToken ct) =>
        UniqueClaims.ClaimAsync(Promotions, CodeClaim.For(code, promotionId, clock.GetUtcNow()),
            async (owner, token) => (await FindByIdAsync(owner, token))?.Value.Code == code,
            owner => new DuplicateResourceException("code", $"The code {code} is already used by promotion {owner}."), clock, ct);

    private Task ReleaseCodeAsync(string code, string promotionId) => UniqueClaims.ReleaseAsync<CodeClaim>(Promotions, CodeClaim.IdFor(code), promotionId);

    internal sealed record CodeClaim(string Id, string Type, string PromotionId, DateTimeOffset? ClaimedAt) : IUniqueClaim
    {
        public const string Kind = "code";
        [JsonIgnore] public string Owner => PromotionId;
        public static string IdFor(string code) => "code:" + code;
        public static CodeClaim For(string code, string promotionId, DateTimeOffset at) => new(IdFor(code), Kind, promotionId, at);
    }
}

/// <summary>How a promotion is stored: the promotion itself under a type, beside code claims in the same container.</summary>
internal sealed record PromotionDocument
{
    public const string Kind = "promotion";

    public required string Id { get; init; }
    public required string Type { get; init; }
    public Promotion? Promotion { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public static PromotionDocument From(Promotion p) => new() { Id = p.Id, Type = Kind, Promotion = p };
}

/// <summary>
/// The promotion queries. Times are stored in UTC in one format (see <see cref="PromotionRules"/>), so comparing them
/// as text in SQL compares instants.
/// </summary>
internal static class PromotionQueries
{
    public static QueryDefinition EnabledAutomatic(DateTimeOffset now) =>
        new QueryDefinition(
                "SELECT VALUE c.promotion FROM c WHERE c.type = 'promotion' AND c.promotion.enabled = true AND NOT IS_DEFINED(c.promotion.code)" +
                " AND (NOT IS_DEFINED(c.promotion.endsAt) OR c.promotion.endsAt > @now)")
            .WithParameter("@now", Timestamp(now));

    public static QueryDefinition ByCodes(IReadOnlyList<string> codes)
    {
        var names = codes.Select((_, i) => "@c" + i).ToList();
        var query = new QueryDefinition($"SELECT VALUE c.promotion FROM c WHERE c.type = 'promotion' AND c.promotion.code IN ({string.Join(", ", names)})");
        for (var i = 0; i < codes.Count; i++) query = query.WithParameter(names[i], codes[i]);
        return query;
    }

    public static QueryDefinition Listing(PromotionFilter f)
    {
        var where = new StringBuilder("c.type = 'promotion'");
        if (f.Enabled is { } enabled) where.Append(" AND c.promotion.enabled = ").Append(enabled ? "true" : "false");
        if (f.CodePrefix is not null) where.Append(" AND STARTSWITH(c.promotion.code, @code)");
        const string live = "(c.promotion.enabled = true AND (NOT IS_DEFINED(c.promotion.startsAt) OR c.promotion.startsAt <= @now) AND (NOT IS_DEFINED(c.promotion.endsAt) OR c.promotion.endsAt > @now))";
        if (f.Live is true) where.Append(" AND ").Append(live);
        if (f.Live is false) where.Append(" AND NOT ").Append(live);

        var query = new QueryDefinition($"SELECT VALUE c.promotion FROM c WHERE {where} ORDER BY c.promotion.createdAt DESC");
        if (f.CodePrefix is not null) query = query.WithParameter("@code", f.CodePrefix);
        if (f.Live is not null) query = query.WithParameter("@now", Timestamp(f.LiveAt));
        return query;
    }

    // Exactly as the shop's JSON writes a stored time, so the comparison is between two strings of one format.
    private static string Timestamp(DateTimeOffset at) => JsonSerializer.Serialize(at.ToUniversalTime(), ShopJson.Options).Trim('"');
}
