using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// What a marketer sends to create a promotion or replace it (PUT replaces every field). Every field is optional in the
/// JSON so that a missing one is reported by <see cref="PromotionRules"/> with its field path, not as malformed JSON.
/// Only the fields of the promotion's <see cref="Kind"/> may be sent: a percentage on an amount-off promotion is an error.
/// </summary>
public sealed record PromotionInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public PromotionKind? Kind { get; init; }

    /// <summary>What the promotion applies to; the whole cart when absent. Bundles are targeted through their components.</summary>
    public PromotionTargetInput? Target { get; init; }

    /// <summary>PercentOff (required) and FreeShipping (optional, 100 when absent).</summary>
    public decimal? Percent { get; init; }

    /// <summary>AmountOff: the amount in the shop's currency.</summary>
    public Money? Amount { get; init; }

    public BuyXGetYInput? BuyXGetY { get; init; }
    public BundleInput? Bundle { get; init; }
    public TierMeasure? TierMeasure { get; init; }
    public IReadOnlyList<PromotionTierInput>? Tiers { get; init; }

    /// <summary>Stackable when absent.</summary>
    public Stacking? Stacking { get; init; }

    /// <summary>0 to 1000, lower applies first; <see cref="PromotionRules.DefaultPriority"/> when absent.</summary>
    public int? Priority { get; init; }

    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>The coupon code (any case; stored upper-case). Absent or empty: the promotion applies automatically.</summary>
    public string? Code { get; init; }

    public int? UsageLimit { get; init; }
    public int? PerCustomerLimit { get; init; }

    /// <summary>Everyone when absent.</summary>
    public EligibilityInput? Eligibility { get; init; }

    /// <summary>True when absent.</summary>
    public bool? Enabled { get; init; }
}

public sealed record PromotionTargetInput(TargetKind? Kind, IReadOnlyList<string>? Ids);

public sealed record BuyXGetYInput(int? Buy, int? Get, decimal? PercentOff);

public sealed record BundleInput(IReadOnlyList<BundleComponentInput>? Components, Money? Price);

public sealed record BundleComponentInput(PromotionTargetInput? Target, int? Quantity);

/// <summary>A spend tier's threshold is an amount in the shop's currency; a quantity tier's a whole number of units. Exactly one of percent or amount.</summary>
public sealed record PromotionTierInput(decimal? Threshold, decimal? Percent, Money? Amount);

public sealed record EligibilityInput(bool? FirstOrderOnly, IReadOnlyList<string>? Segments, IReadOnlyList<string>? MembershipTiers, Money? MinimumSubtotal);

/// <summary>The rules a promotion must satisfy, checked all at once with the field path the client sent.</summary>
public static partial class PromotionRules
{
    public const int MaximumNameLength = 100;
    public const int MaximumDescriptionLength = 1000;
    public const int MaximumTargetIds = 500;
    public const int MaximumTiers = 10;
    public const int MaximumBundleComponents = 20;
    public const int MaximumComponentQuantity = 1000;
    public const int MaximumBuyGetQuantity = 1000;
    public const int MaximumPriority = 1000;
    public const int DefaultPriority = 100;
    public const int MaximumUsageLimit = 100_000_000;
    public const int MaximumQuantityThreshold = 100_000;
    public const int MaximumEligibilityEntries = 50;
    public const int MaximumEligibilityEntryLength = 50;

    /// <summary>Codes as customers type them: 3 to 32 of A-Z, 0-9, hyphen and underscore (after upper-casing).</summary>
    public static bool IsValidCode(string? code) => code is not null && CodePattern().IsMatch(code);

    /// <summary>The beginning of a code, as a listing filters by it (already upper-case).</summary>
    public static bool IsValidCodePrefix(string? prefix) => prefix is not null && CodePrefixPattern().IsMatch(prefix);

    /// <summary>The stored form of a code a customer or marketer typed: trimmed and upper-case.</summary>
    public static string NormaliseCode(string code) => code.Trim().ToUpperInvariant();

    /// <summary>Checks the input and builds the promotion; <paramref name="existing"/> keeps its creation time on a replace.</summary>
    public static Promotion Build(PromotionInput input, string id, Promotion? existing, string shopCurrency, DateTimeOffset now)
    {
        var v = new Validator();

        var name = input.Name?.Trim();
        if (v.Required(name, "name")) v.MaxLength(name, MaximumNameLength, "name");
        var description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        v.MaxLength(description, MaximumDescriptionLength, "description");

        v.Required(input.Kind, "kind");
        var kind = input.Kind;
        CheckOnlyForKind(v, kind, input.Percent is not null, "percent", PromotionKind.PercentOff, PromotionKind.FreeShipping);
        CheckOnlyForKind(v, kind, input.Amount is not null, "amount", PromotionKind.AmountOff);
        CheckOnlyForKind(v, kind, input.BuyXGetY is not null, "buyXGetY", PromotionKind.BuyXGetY);
        CheckOnlyForKind(v, kind, input.Bundle is not null, "bundle", PromotionKind.Bundle);
        CheckOnlyForKind(v, kind, input.TierMeasure is not null, "tierMeasure", PromotionKind.Tiered);
        CheckOnlyForKind(v, kind, input.Tiers is not null, "tiers", PromotionKind.Tiered);

        PromotionTarget target;
        if (kind == PromotionKind.Bundle)
        {
            v.Check(input.Target is null || input.Target.Kind == TargetKind.Cart, "target", "a bundle is targeted through its components; leave target out.");
            target = PromotionTarget.WholeCart;
        }
        else
        {
            target = input.Target is null ? PromotionTarget.WholeCart : BuildTarget(input.Target, "target", v, allowCart: true);
        }

        decimal? percent = null;
        Money? amount = null;
        BuyXGetY? buyXGetY = null;
        BundleOffer? bundle = null;
        TierMeasure? measure = null;
        IReadOnlyList<PromotionTier>? tiers = null;
        switch (kind)
        {
            case PromotionKind.PercentOff:
                if (v.Required(input.Percent, "percent")) percent = CheckPercent(input.Percent!.Value, "percent", v);
                break;
            case PromotionKind.FreeShipping:
                if (input.Percent is { } p) percent = CheckPercent(p, "percent", v);
                break;
            case PromotionKind.AmountOff:
                Money.Validate(input.Amount, "amount", v, shopCurrency);
                amount = input.Amount;
                break;
            case PromotionKind.BuyXGetY:
                buyXGetY = BuildBuyXGetY(input.BuyXGetY, v);
                break;
            case PromotionKind.Bundle:
                bundle = BuildBundle(input.Bundle, shopCurrency, v);
                break;
            case PromotionKind.Tiered:
                measure = input.TierMeasure;
                v.Required(measure, "tierMeasure");
                tiers = BuildTiers(input.Tiers, measure, shopCurrency, v);
                break;
        }

        var stacking = input.Stacking ?? Stacking.Stackable;
        var priority = input.Priority ?? DefaultPriority;
        v.Check(priority is >= 0 and <= MaximumPriority, "priority", $"must be from 0 (applies first) to {MaximumPriority}.");

        // Stored in UTC, so that times compare as the same instant everywhere (and as text in queries).
        var startsAt = input.StartsAt?.ToUniversalTime();
        var endsAt = input.EndsAt?.ToUniversalTime();
        if (startsAt is not null && endsAt is not null) v.Check(endsAt > startsAt, "endsAt", "must be after startsAt.");

        string? code = null;
        if (!string.IsNullOrWhiteSpace(input.Code))
        {
            code = NormaliseCode(input.Code);
            v.Check(IsValidCode(code), "code", "must be 3 to 32 letters, digits, hyphens or underscores.");
        }

        if (input.UsageLimit is { } usageLimit)
            v.Check(usageLimit is >= 1 and <= MaximumUsageLimit, "usageLimit", $"must be from 1 to {MaximumUsageLimit}; leave it out for no limit.");
        if (input.PerCustomerLimit is { } perCustomer)
            v.Check(perCustomer is >= 1 and <= MaximumUsageLimit, "perCustomerLimit", $"must be from 1 to {MaximumUsageLimit}; leave it out for no limit.");

        var eligibility = BuildEligibility(input.Eligibility, shopCurrency, v);

        v.ThrowIfInvalid();
        return new Promotion
        {
            Id = id,
            Name = name!,
            Description = description,
            Kind = kind!.Value,
            Target = target,
            Percent = percent,
            Amount = amount,
            BuyXGetY = buyXGetY,
            Bundle = bundle,
            TierMeasure = measure,
            Tiers = tiers,
            Stacking = stacking,
            Priority = priority,
            StartsAt = startsAt,
            EndsAt = endsAt,
            Code = code,
            UsageLimit = input.UsageLimit,
            PerCustomerLimit = input.PerCustomerLimit,
            // A personal offer edited by staff stays the customer's own (the input has no such field).
            CustomerId = existing?.CustomerId,
            Eligibility = eligibility,
            Enabled = input.Enabled ?? true,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
    }

    private static void CheckOnlyForKind(Validator v, PromotionKind? kind, bool sent, string field, params PromotionKind[] kinds)
    {
        if (!sent || kind is null) return;
        var names = string.Join(" or ", kinds.Select(k => JsonName(k.ToString())));
        v.Check(kinds.Contains(kind.Value), field, $"only applies to {names} promotions; leave it out for {JsonName(kind.Value.ToString())}.");
    }

    private static decimal CheckPercent(decimal percent, string field, Validator v)
    {
        if (v.Check(percent is > 0 and <= 100, field, "must be more than 0 and at most 100."))
            v.Check(decimal.Round(percent, 2) == percent, field, "must have at most 2 decimals.");
        return percent;
    }

    private static PromotionTarget BuildTarget(PromotionTargetInput input, string field, Validator v, bool allowCart)
    {
        if (!v.Required(input.Kind, field + ".kind")) return PromotionTarget.WholeCart;
        var kind = input.Kind!.Value;
        var sent = input.Ids ?? [];
        if (kind == TargetKind.Cart)
        {
            v.Check(allowCart, field + ".kind", "a bundle component must name products, variants, categories, collections or tags.");
            v.Check(sent.Count == 0, field + ".ids", "must be empty when the target is the whole cart.");
            return PromotionTarget.WholeCart;
        }

        if (!v.Check(sent.Count > 0, field + ".ids", $"name at least one of the {JsonName(kind.ToString())} the promotion applies to.")) return PromotionTarget.WholeCart;
        if (!v.Check(sent.Count <= MaximumTargetIds, field + ".ids", $"must have at most {MaximumTargetIds} entries.")) return PromotionTarget.WholeCart;

        var ids = new List<string>(sent.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            var (normalised, ok, rule) = NormaliseTargetId(kind, sent[i]);
            if (v.Check(ok, $"{field}.ids[{i}]", rule)) ids.Add(normalised!);
        }
        return new PromotionTarget(kind, ids.Distinct(StringComparer.Ordinal).ToList());
    }

    // Targets are checked for form, not existence: a promotion may name a product before it is created, and one that
    // names a deleted product simply matches nothing.
    private static (string? Id, bool Ok, string Rule) NormaliseTargetId(TargetKind kind, string? id)
    {
        switch (kind)
        {
            case TargetKind.Variants:
                var sku = id?.Trim().ToUpperInvariant();
                return (sku, ProductRules.IsValidSku(sku), "is not a valid SKU.");
            case TargetKind.Tags:
                var tag = id is null ? null : ProductRules.NormaliseTag(id);
                return (tag, tag is { Length: > 0 and <= ProductRules.MaximumTagLength }, $"must be a tag of 1 to {ProductRules.MaximumTagLength} characters.");
            default:
                var trimmed = id?.Trim();
                return (trimmed, Ids.IsWellFormed(trimmed), "must be an id of at most 100 letters, digits, hyphens or underscores.");
        }
    }

    private static BuyXGetY? BuildBuyXGetY(BuyXGetYInput? input, Validator v)
    {
        if (!v.Required(input, "buyXGetY")) return null;
        if (v.Required(input!.Buy, "buyXGetY.buy"))
            v.Check(input.Buy is >= 1 and <= MaximumBuyGetQuantity, "buyXGetY.buy", $"must be from 1 to {MaximumBuyGetQuantity}.");
        if (v.Required(input.Get, "buyXGetY.get"))
            v.Check(input.Get is >= 1 and <= MaximumBuyGetQuantity, "buyXGetY.get", $"must be from 1 to {MaximumBuyGetQuantity}.");
        if (v.Required(input.PercentOff, "buyXGetY.percentOff")) CheckPercent(input.PercentOff!.Value, "buyXGetY.percentOff", v);
        return v.HasErrorsUnder("buyXGetY") ? null : new BuyXGetY(input.Buy!.Value, input.Get!.Value, input.PercentOff!.Value);
    }

    private static BundleOffer? BuildBundle(BundleInput? input, string shopCurrency, Validator v)
    {
        if (!v.Required(input, "bundle")) return null;
        var sent = input!.Components ?? [];
        var components = new List<BundleComponent>();
        if (v.Check(sent.Count is >= 2 and <= MaximumBundleComponents, "bundle.components", $"a bundle has 2 to {MaximumBundleComponents} components."))
        {
            for (var i = 0; i < sent.Count; i++)
            {
                var field = $"bundle.components[{i}]";
                if (!v.Required(sent[i], field)) continue;
                var target = v.Required(sent[i].Target, field + ".target") ? BuildTarget(sent[i].Target!, field + ".target", v, allowCart: false) : null;
                if (v.Required(sent[i].Quantity, field + ".quantity"))
                    v.Check(sent[i].Quantity is >= 1 and <= MaximumComponentQuantity, field + ".quantity", $"must be from 1 to {MaximumComponentQuantity}.");
                if (target is not null && sent[i].Quantity is { } quantity) components.Add(new BundleComponent(target, quantity));
            }
        }
        Money.Validate(input.Price, "bundle.price", v, shopCurrency);
        return v.HasErrorsUnder("bundle") ? null : new BundleOffer(components, input.Price!);
    }

    private static List<PromotionTier>? BuildTiers(IReadOnlyList<PromotionTierInput>? sent, TierMeasure? measure, string shopCurrency, Validator v)
    {
        if (!v.Required(sent, "tiers")) return null;
        if (!v.Check(sent!.Count is >= 1 and <= MaximumTiers, "tiers", $"must have 1 to {MaximumTiers} tiers.")) return null;

        var tiers = new List<PromotionTier>();
        decimal? previous = null;
        for (var i = 0; i < sent.Count; i++)
        {
            var field = $"tiers[{i}]";
            if (!v.Required(sent[i], field)) continue;
            var tier = sent[i];
            if (v.Required(tier.Threshold, field + ".threshold"))
            {
                var threshold = tier.Threshold!.Value;
                var ok = measure switch
                {
                    Pricing.TierMeasure.Quantity => v.Check(threshold is >= 1 and <= MaximumQuantityThreshold && decimal.Truncate(threshold) == threshold,
                        field + ".threshold", $"a quantity tier starts at a whole number of units from 1 to {MaximumQuantityThreshold}."),
                    Pricing.TierMeasure.Spend => v.Check(threshold > 0 && threshold <= Money.MaximumAmount && decimal.Round(threshold, Currencies.MinorDigits(shopCurrency)) == threshold,
                        field + ".threshold", $"a spend tier starts at an amount in {shopCurrency} above 0 and at most {Money.MaximumAmount.ToString(CultureInfo.InvariantCulture)}, with at most {Currencies.MinorDigits(shopCurrency)} decimals."),
                    _ => true,
                };
                if (ok && previous is not null)
                    v.Check(threshold > previous, field + ".threshold", "must be higher than the previous tier's threshold.");
                previous = threshold;
            }

            if (v.Check(tier.Percent is not null ^ tier.Amount is not null, field, "give exactly one of percent or amount."))
            {
                if (tier.Percent is { } percent) CheckPercent(percent, field + ".percent", v);
                else Money.Validate(tier.Amount, field + ".amount", v, shopCurrency);
            }
            tiers.Add(new PromotionTier(tier.Threshold ?? 0, tier.Percent, tier.Amount));
        }
        return tiers;
    }

    private static Eligibility BuildEligibility(EligibilityInput? input, string shopCurrency, Validator v)
    {
        if (input is null) return Eligibility.Everyone;
        var segments = BuildNames(input.Segments, "eligibility.segments", v);
        var membershipTiers = BuildNames(input.MembershipTiers, "eligibility.membershipTiers", v);
        if (input.MinimumSubtotal is not null) Money.Validate(input.MinimumSubtotal, "eligibility.minimumSubtotal", v, shopCurrency);
        return new Eligibility(input.FirstOrderOnly ?? false, segments, membershipTiers, input.MinimumSubtotal);
    }

    private static List<string> BuildNames(IReadOnlyList<string>? sent, string field, Validator v)
    {
        sent ??= [];
        v.Check(sent.Count <= MaximumEligibilityEntries, field, $"must have at most {MaximumEligibilityEntries} entries.");
        for (var i = 0; i < sent.Count; i++)
            v.Check(sent[i]?.Trim() is { Length: > 0 and <= MaximumEligibilityEntryLength }, $"{field}[{i}]", $"must be 1 to {MaximumEligibilityEntryLength} characters.");
        return sent.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal).ToList();
    }

    // Names as they appear in the JSON (camelCase), so a message speaks the client's language.
    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    [GeneratedRegex("^[A-Z0-9_-]{3,32}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[A-Z0-9_-]{1,32}$")]
    private static partial Regex CodePrefixPattern();
}
