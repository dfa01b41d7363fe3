using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// Creating, reading, replacing and deleting promotions and coupon codes (marketers and admins), and how much of a
/// promotion's limit is used. Deleting removes the promotion and frees its code for a new promotion; its usage records
/// stay (they belong to orders), and a new promotion with the same code counts its uses afresh. To pause a promotion
/// and keep it, replace it with <c>enabled: false</c>.
/// </summary>
public sealed class ManagePromotions(IPromotionStore promotions, IPromotionUsageStore usage, ShopSettings settings, TimeProvider clock)
{
    public async Task<Versioned<Promotion>> CreateAsync(PromotionInput input, CancellationToken ct)
    {
        var promotion = PromotionRules.Build(input, Ids.New("promo"), null, settings.Currency, clock.GetUtcNow());
        var version = await promotions.CreateAsync(promotion, ct);
        return new Versioned<Promotion>(promotion, version);
    }

    public async Task<Versioned<Promotion>> GetAsync(string id, CancellationToken ct)
    {
        var found = Ids.IsWellFormed(id) ? await promotions.FindByIdAsync(id, ct) : null;
        return found ?? throw new ResourceNotFoundException("Promotion", id);
    }

    public async Task<Page<Promotion>> ListAsync(PromotionListQuery query, CancellationToken ct)
    {
        var v = new Validator();
        var live = ParseFlag(query.Live, "live", v);
        var enabled = ParseFlag(query.Enabled, "enabled", v);
        string? codePrefix = null;
        if (!string.IsNullOrWhiteSpace(query.Code))
        {
            codePrefix = PromotionRules.NormaliseCode(query.Code);
            v.Check(PromotionRules.IsValidCodePrefix(codePrefix), "code", "must be the start of a code: up to 32 letters, digits, hyphens or underscores.");
        }
        var page = PageRequest.Parse(query.PageSize, query.ContinuationToken, v);
        v.ThrowIfInvalid();
        return await promotions.ListAsync(new PromotionFilter(live, clock.GetUtcNow(), enabled, codePrefix), page, ct);
    }

    /// <summary>Replaces every field (what is left out takes its default). The code may change: the old one is freed.</summary>
    public async Task<Versioned<Promotion>> ReplaceAsync(string id, PromotionInput input, string? expectedVersion, CancellationToken ct)
    {
        if (expectedVersion is null) throw new VersionRequiredException();
        var current = await GetAsync(id, ct);
        if (current.Version != expectedVersion) throw new StaleVersionException("Promotion");
        var promotion = PromotionRules.Build(input, id, current.Value, settings.Currency, clock.GetUtcNow());
        var version = await promotions.ReplaceAsync(promotion, current, ct);
        return new Versioned<Promotion>(promotion, version);
    }

    /// <summary>Deletes the promotion and frees its code. Orders that hold a use of it can still redeem or release it.</summary>
    public async Task DeleteAsync(string id, string? expectedVersion, CancellationToken ct)
    {
        var current = await GetAsync(id, ct);
        if (expectedVersion is not null && current.Version != expectedVersion) throw new StaleVersionException("Promotion");
        await promotions.DeleteAsync(current.Value, current.Version, ct);
    }

    /// <summary>How much of the promotion's limit is taken: uses held by checkouts in progress, uses redeemed by paid orders, and what remains.</summary>
    public async Task<PromotionUsage> GetUsageAsync(string id, CancellationToken ct)
    {
        var promotion = (await GetAsync(id, ct)).Value;
        var (uses, redemptions) = await usage.GetCountsAsync(id, ct);
        var redeemed = Math.Min(redemptions, uses);
        return new PromotionUsage(promotion.Id, promotion.Code, promotion.UsageLimit, promotion.PerCustomerLimit,
            Held: uses - redeemed, Redeemed: redeemed, Remaining: promotion.UsageLimit is { } limit ? Math.Max(0, limit - uses) : null);
    }

    private static bool? ParseFlag(string? value, string field, Validator v)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "": return null;
            case "true": return true;
            case "false": return false;
            default:
                v.Add(field, "must be true or false.");
                return null;
        }
    }
}

/// <summary>A promotion listing's query string, as sent.</summary>
public sealed record PromotionListQuery(string? Live, string? Enabled, string? Code, string? PageSize, string? ContinuationToken);

/// <summary>
/// Uses of a promotion. <see cref="Held"/>: checkouts in progress; <see cref="Redeemed"/>: paid orders; <see cref="Remaining"/>:
/// what the usage limit still allows (null without a limit). Per-customer uses are counted per customer and not listed here.
/// </summary>
public sealed record PromotionUsage(string PromotionId, string? Code, int? UsageLimit, int? PerCustomerLimit, int Held, int Redeemed, int? Remaining);
