using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Carts;

/// <summary>One variant in a cart and how many. Prices are never stored: pricing computes them on every read.</summary>
public sealed record CartLine(string LineId, string ProductId, string Sku, int Quantity, DateTimeOffset AddedAt);

/// <summary>
/// A shopper's cart. A cart with a <see cref="CustomerId"/> belongs to that signed-in customer; one without is anonymous
/// and is opened with the secret cart token whose SHA-256 is <see cref="TokenHash"/>. The methods enforce the cart's own
/// rules (line and code limits, quantities) and return a new cart, or the same instance when nothing changes.
/// </summary>
public sealed record Cart
{
    public const int MaximumLines = 100;
    public const int MaximumQuantityPerLine = 999;
    public const int MaximumCodes = 5;

    /// <summary>How many merged-in carts a cart remembers, so that a repeated merge never adds the same lines twice.</summary>
    public const int MergedCartsRemembered = 20;

    public required string Id { get; init; }
    public string? CustomerId { get; init; }
    public string? TokenHash { get; init; }

    /// <summary>
    /// SHA-256 of a second token that opens an anonymous cart: the one in an abandoned-cart reminder's link
    /// (<see cref="Marketing.Flows.RemindAbandonedCarts"/>), since the shopper's own token is kept only as its hash.
    /// </summary>
    public string? RestoreTokenHash { get; init; }
    public required IReadOnlyList<CartLine> Lines { get; init; }

    /// <summary>Discount codes, upper-case, in the order they were added.</summary>
    public required IReadOnlyList<string> Codes { get; init; }

    /// <summary>Where the goods go, so the cart can show tax; optional until checkout.</summary>
    public TaxLocation? ShipTo { get; init; }

    public required string Currency { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the cart is gone unless it changes before: every change moves it to now plus the inactivity window.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Anonymous carts already merged into this one (most recent last).</summary>
    public IReadOnlyList<string> MergedCartIds { get; init; } = [];

    /// <summary>The visits (UTM parameters, ad click ids) that led to this cart, first and last; null when none was sent. Checkout copies it to the order.</summary>
    public CartAttribution? Attribution { get; init; }

    public bool IsAnonymous => CustomerId is null;

    /// <summary>Whether the token opens this anonymous cart: the shopper's own, or the one a reminder's link carries.</summary>
    public bool OpensWith(string? token) =>
        IsAnonymous && (CartRules.TokenMatches(token, TokenHash) || (RestoreTokenHash is not null && CartRules.TokenMatches(token, RestoreTokenHash)));

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;

    public static Cart New(string id, string? customerId, string? tokenHash, TaxLocation? shipTo, string currency, DateTimeOffset now, TimeSpan inactivity) => new()
    {
        Id = id, CustomerId = customerId, TokenHash = tokenHash, Lines = [], Codes = [], ShipTo = shipTo, Currency = currency,
        CreatedAt = now, UpdatedAt = now, ExpiresAt = now + inactivity,
    };

    /// <summary>All units of a SKU in the cart, over every line that holds it: what stock must cover.</summary>
    public int QuantityOf(string sku) => Lines.Where(l => l.Sku == sku).Sum(l => l.Quantity);

    public CartLine? FindLine(string lineId) => Lines.FirstOrDefault(l => l.LineId == lineId);

    /// <summary>Adds units of a variant; a variant already in the cart gets more units on its line instead of a second line.</summary>
    public Cart AddLine(string productId, string sku, int quantity, string newLineId, DateTimeOffset now)
    {
        var existing = Lines.FirstOrDefault(l => l.ProductId == productId && l.Sku == sku);
        if (existing is not null)
        {
            var total = existing.Quantity + quantity;
            if (total > MaximumQuantityPerLine)
                throw new BusinessRuleViolationException(
                    $"The cart already holds {existing.Quantity} of {sku}; a line may hold at most {MaximumQuantityPerLine}.", "quantity");
            return this with { Lines = Lines.Select(l => l == existing ? l with { Quantity = total } : l).ToList() };
        }
        if (Lines.Count >= MaximumLines)
            throw new BusinessRuleViolationException($"A cart holds at most {MaximumLines} lines; remove one first.", "lines");
        return this with { Lines = [.. Lines, new CartLine(newLineId, productId, sku, quantity, now)] };
    }

    /// <summary>Sets a line's quantity; 0 removes the line.</summary>
    public Cart SetQuantity(string lineId, int quantity)
    {
        var line = FindLine(lineId) ?? throw new ResourceNotFoundException("Cart line", lineId);
        if (quantity == 0) return RemoveLine(lineId);
        if (line.Quantity == quantity) return this;
        return this with { Lines = Lines.Select(l => l == line ? l with { Quantity = quantity } : l).ToList() };
    }

    public Cart RemoveLine(string lineId)
    {
        if (FindLine(lineId) is null) throw new ResourceNotFoundException("Cart line", lineId);
        return this with { Lines = Lines.Where(l => l.LineId != lineId).ToList() };
    }

    /// <summary>Removes every line; codes and ship-to stay.</summary>
    public Cart Clear() => Lines.Count == 0 ? this : this with { Lines = [] };

    /// <param name="code">Already normalised (<see cref="PromotionRules.NormaliseCode"/>).</param>
    public Cart AddCode(string code)
    {
        if (Codes.Contains(code)) return this;
        if (Codes.Count >= MaximumCodes) throw TooManyCodes();
        return this with { Codes = [.. Codes, code] };
    }

    public static BusinessRuleViolationException TooManyCodes() =>
        new($"A cart holds at most {MaximumCodes} discount codes; remove one first.", "code");

    public Cart RemoveCode(string code)
    {
        if (!Codes.Contains(code)) throw new ResourceNotFoundException("Discount code", code);
        return this with { Codes = Codes.Where(c => c != code).ToList() };
    }

    public Cart WithShipTo(TaxLocation shipTo) => ShipTo == shipTo ? this : this with { ShipTo = shipTo };

    /// <summary>Records a visit (<see cref="CartAttribution.With"/>): the first touch stays, a later one becomes the last.</summary>
    public Cart WithTouch(MarketingTouch touch)
    {
        var attribution = Attribution is null ? CartAttribution.Start(touch) : Attribution.With(touch);
        return ReferenceEquals(attribution, Attribution) ? this : this with { Attribution = attribution };
    }

    /// <summary>
    /// Takes an anonymous cart's lines and codes into this one (at sign-in). Units of a variant in both carts add up, at
    /// most <see cref="MaximumQuantityPerLine"/>; lines past <see cref="MaximumLines"/> and codes past
    /// <see cref="MaximumCodes"/> are left out, each with a warning. A cart merged before changes nothing.
    /// </summary>
    public (Cart Cart, IReadOnlyList<CartWarning> Warnings) MergeFrom(Cart source)
    {
        if (source.Id == Id || MergedCartIds.Contains(source.Id)) return (this, []);
        var warnings = new List<CartWarning>();
        var lines = Lines.ToList();
        foreach (var incoming in source.Lines)
        {
            var index = lines.FindIndex(l => l.ProductId == incoming.ProductId && l.Sku == incoming.Sku);
            if (index >= 0)
            {
                var wanted = lines[index].Quantity + incoming.Quantity;
                var kept = Math.Min(wanted, MaximumQuantityPerLine);
                if (kept < wanted)
                    warnings.Add(new CartWarning(CartWarning.QuantityCapped, $"{incoming.Sku}: {wanted} wanted, a line holds at most {MaximumQuantityPerLine}.")
                        { LineId = lines[index].LineId, Sku = incoming.Sku });
                lines[index] = lines[index] with { Quantity = kept };
            }
            else if (lines.Count < MaximumLines)
            {
                var lineId = lines.Any(l => l.LineId == incoming.LineId) ? Ids.New("line") : incoming.LineId;
                lines.Add(incoming with { LineId = lineId });
            }
            else
            {
                warnings.Add(new CartWarning(CartWarning.LineDropped, $"{incoming.Sku} was not taken over: a cart holds at most {MaximumLines} lines.") { Sku = incoming.Sku });
            }
        }

        var codes = Codes.ToList();
        foreach (var code in source.Codes.Where(c => !codes.Contains(c)))
        {
            if (codes.Count < MaximumCodes) codes.Add(code);
            else warnings.Add(new CartWarning(CartWarning.CodeDropped, $"{code} was not taken over: a cart holds at most {MaximumCodes} codes.") { Code = code });
        }

        var merged = this with
        {
            Lines = lines,
            Codes = codes,
            ShipTo = ShipTo ?? source.ShipTo,
            Attribution = CartAttribution.Combine(Attribution, source.Attribution),
            MergedCartIds = [.. MergedCartIds.Append(source.Id).TakeLast(MergedCartsRemembered)],
        };
        return (merged, warnings);
    }

    /// <summary>Marks the cart changed now, which also moves its expiry.</summary>
    public Cart Touch(DateTimeOffset now, TimeSpan inactivity) => this with { UpdatedAt = now, ExpiresAt = now + inactivity };
}

/// <summary>Something the shopper should know about the cart that is not an error: a line no longer sold, a capped quantity ...</summary>
public sealed record CartWarning(string Kind, string Message)
{
    /// <summary>The line's product or variant is no longer sold; it costs nothing and cannot be checked out.</summary>
    public const string LineUnavailable = "line-unavailable";
    /// <summary>The shop has no tax rate for the cart's ship-to place: checkout will refuse it (docs/pricing.md#tax).</summary>
    public const string NoTaxRate = "no-tax-rate";
    /// <summary>The line holds more units than are in stock now.</summary>
    public const string NotEnoughStock = "not-enough-stock";
    /// <summary>A merge wanted more units than a line may hold.</summary>
    public const string QuantityCapped = "quantity-capped";
    /// <summary>A merge could not take a line over (the cart was full).</summary>
    public const string LineDropped = "line-dropped";
    /// <summary>A merge could not take a code over (the cart had the most codes it may hold).</summary>
    public const string CodeDropped = "code-dropped";

    public string? LineId { get; init; }
    public string? Sku { get; init; }
    public string? Code { get; init; }
    public int? Available { get; init; }
}
