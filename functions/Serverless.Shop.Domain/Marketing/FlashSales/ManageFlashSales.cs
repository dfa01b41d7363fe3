using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;

namespace Serverless.Shop.Domain.Marketing.FlashSales;

/// <summary>
/// Flash sales for marketers and admins: create (now or ahead), read, list, extend, end early, preview what shoppers
/// will see at a time, and the results. The sale document is the truth; its products carry a copy for reads
/// (<see cref="FlashSaleProjection"/>).
/// </summary>
public sealed class ManageFlashSales(
    IFlashSaleStore sales, IProductStore products, IInventoryStore inventory, FlashSaleProjection projection, ShopSettings settings, TimeProvider clock)
{
    /// <summary>
    /// Checks the input against the catalog and the stock, stores the sale, then puts it on its products. When a product
    /// turns out to have an overlapping sale of the same SKU (checked again under the product's ETag), the products
    /// already written are put back and the sale is deleted: nothing is left half-created.
    /// </summary>
    public async Task<Versioned<FlashSale>> CreateAsync(FlashSaleInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = clock.GetUtcNow();
        var v = new Validator();
        FlashSaleRules.CheckShape(input, now, settings.Currency, v);
        v.ThrowIfInvalid();

        var productIds = input.Items!.Select(i => i!.ProductId!).Distinct(StringComparer.Ordinal).ToList();
        var skus = input.Items!.Select(i => i!.Sku!.Trim()).ToList();
        var productsRead = products.FindManyByIdsAsync(productIds, ct);
        var stockRead = inventory.FindManyAsync(skus, ct);
        await Task.WhenAll(productsRead, stockRead);
        var byId = productsRead.Result.ToDictionary(p => p.Value.Id, p => p.Value, StringComparer.Ordinal);
        var stock = stockRead.Result.ToDictionary(s => s.Value.Sku, s => s.Value, StringComparer.OrdinalIgnoreCase);
        var items = FlashSaleRules.CheckAgainstCatalog(input.Items!, byId, stock, now, v);
        v.ThrowIfInvalid();

        var startsAt = input.StartsAt is { } start && start > now ? start : now;
        var sale = new FlashSale
        {
            Id = Ids.New("sale"),
            Name = input.Name!.Trim(),
            StartsAt = startsAt,
            EndsAt = input.EndsAt!.Value,
            PerCustomerLimit = input.PerCustomerLimit!.Value,
            Items = items,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await projection.CheckNoOverlapAsync(sale, ct);
        var version = await sales.CreateAsync(sale, ct);
        try
        {
            await projection.AddAsync(sale, ct);
        }
        catch
        {
            await sales.DeleteAsync(sale.Id, CancellationToken.None);
            throw;
        }
        return new Versioned<FlashSale>(sale, version);
    }

    public async Task<Versioned<FlashSale>> GetAsync(string id, CancellationToken ct)
    {
        var found = Ids.IsWellFormed(id) ? await sales.FindAsync(id, ct) : null;
        return found ?? throw new ResourceNotFoundException("Flash sale", id);
    }

    public async Task<Page<FlashSale>> ListAsync(string? pageSize, string? continuationToken, CancellationToken ct)
    {
        var v = new Validator();
        var page = PageRequest.Parse(pageSize, continuationToken, v);
        v.ThrowIfInvalid();
        return await sales.ListAsync(page, ct);
    }

    /// <summary>Moves the end of a sale not yet ended to a later time (its products show the new end).</summary>
    public async Task<Versioned<FlashSale>> ExtendAsync(string id, FlashSaleExtension input, string? expectedVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = await GetAsync(id, ct);
        if (expectedVersion is not null && current.Version != expectedVersion) throw new StaleVersionException("Flash sale");
        var now = clock.GetUtcNow();
        var sale = current.Value;
        if (sale.StatusAt(now) == FlashSaleStatus.Ended)
            throw new BusinessRuleViolationException($"The flash sale '{sale.Name}' ended at {sale.EndsAt:u}; an ended sale cannot be extended. Create a new one.");
        var v = new Validator();
        if (v.Required(input.EndsAt, "endsAt") && v.Check(input.EndsAt > sale.EndsAt, "endsAt", $"must be later than the sale's current end ({sale.EndsAt:u})."))
            FlashSaleRules.CheckEnd(sale.StartsAt, input.EndsAt!.Value, now, "endsAt", v);
        v.ThrowIfInvalid();

        var extended = sale with { EndsAt = input.EndsAt!.Value, UpdatedAt = now };
        await projection.CheckNoOverlapAsync(extended, ct);
        var version = await sales.ReplaceAsync(extended, current.Version, ct);
        await projection.UpdateWindowAsync(extended, ct);
        return new Versioned<FlashSale>(extended, version);
    }

    /// <summary>Ends a live sale now, or calls off a scheduled one: from now on it prices and sells nothing, and its products stop showing it.</summary>
    public async Task<Versioned<FlashSale>> EndAsync(string id, string? expectedVersion, CancellationToken ct)
    {
        var current = await GetAsync(id, ct);
        if (expectedVersion is not null && current.Version != expectedVersion) throw new StaleVersionException("Flash sale");
        var now = clock.GetUtcNow();
        var sale = current.Value;
        if (sale.StatusAt(now) == FlashSaleStatus.Ended)
            throw new BusinessRuleViolationException($"The flash sale '{sale.Name}' has already ended ({sale.EndsAt:u}).");
        var ended = sale with { StartsAt = sale.StartsAt < now ? sale.StartsAt : now, EndsAt = now, EndedEarlyAt = now, UpdatedAt = now };
        var version = await sales.ReplaceAsync(ended, current.Version, ct);
        await projection.UpdateWindowAsync(ended, ct);
        return new Versioned<FlashSale>(ended, version);
    }

    /// <summary>
    /// What a product read will show for each product of the sale at <paramref name="at"/> (now when not given): the
    /// product as stored now, with the sales live at that time. Units left are today's.
    /// </summary>
    public async Task<FlashSalePreview> PreviewAsync(string id, string? at, CancellationToken ct)
    {
        var v = new Validator();
        var when = clock.GetUtcNow();
        if (!string.IsNullOrWhiteSpace(at))
            v.Check(DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out when), "at", "must be a date and time (ISO 8601), such as 2026-12-24T18:00:00Z.");
        v.ThrowIfInvalid();
        var sale = (await GetAsync(id, ct)).Value;
        var read = await products.FindManyByIdsAsync(sale.Items.Select(i => i.ProductId).Distinct(StringComparer.Ordinal).ToList(), ct);
        var shown = read.Select(p => FlashSaleOffers.AsShopperSeesAt(p.Value, when)).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        return new FlashSalePreview(sale.Id, when, sale.StatusAt(when), shown);
    }

    /// <summary>Units sold, revenue and buyers of paid orders; units held by checkouts in progress; and what is left of each cap.</summary>
    public async Task<FlashSaleResults> ResultsAsync(string id, CancellationToken ct)
    {
        var sale = (await GetAsync(id, ct)).Value;
        var holdsRead = sales.ListHoldsAsync(sale.Id, ct);
        var countersRead = sales.ReadCountersAsync(sale.Id, sale.Items.Select(i => SaleCounter.Sold(i.Sku)).ToList(), ct);
        await Task.WhenAll(holdsRead, countersRead);
        var committed = holdsRead.Result.Where(h => h.State == FlashSaleHoldState.Committed).ToList();
        var held = holdsRead.Result.Where(h => h.State == FlashSaleHoldState.Held).ToList();
        var currency = sale.Items[0].SalePrice.Currency;
        var variants = sale.Items.Select(i => new FlashSaleVariantResult(
            i.Sku, i.Cap,
            UnitsSold: committed.SelectMany(h => h.Lines).Where(l => l.Sku == i.Sku).Sum(l => l.Quantity),
            UnitsHeld: held.SelectMany(h => h.Lines).Where(l => l.Sku == i.Sku).Sum(l => l.Quantity),
            UnitsLeft: Math.Max(0, i.Cap - countersRead.Result[SaleCounter.Sold(i.Sku)]),
            Revenue: new Money(committed.SelectMany(h => h.Lines).Where(l => l.Sku == i.Sku).Sum(l => l.Total.Amount), currency))).ToList();
        return new FlashSaleResults(
            sale.Id, sale.StatusAt(clock.GetUtcNow()),
            UnitsSold: variants.Sum(x => x.UnitsSold),
            Revenue: new Money(variants.Sum(x => x.Revenue.Amount), currency),
            Orders: committed.Count,
            Buyers: committed.Select(h => h.BuyerKeys[0]).Distinct(StringComparer.Ordinal).Count(),
            UnitsHeld: variants.Sum(x => x.UnitsHeld),
            Variants: variants);
    }
}

/// <summary>What shoppers will see at <see cref="At"/>: each product of the sale as a product read will show it then.</summary>
public sealed record FlashSalePreview(string SaleId, DateTimeOffset At, FlashSaleStatus Status, IReadOnlyList<Product> Products);

/// <summary>
/// A sale's results. Sold, revenue (what the paid orders were charged for the sale's lines, tax included), orders and
/// buyers count paid orders only (a cancelled order gives its units back); <see cref="UnitsHeld"/> are checkouts in progress.
/// </summary>
public sealed record FlashSaleResults(
    string SaleId, FlashSaleStatus Status, int UnitsSold, Money Revenue, int Orders, int Buyers, int UnitsHeld, IReadOnlyList<FlashSaleVariantResult> Variants);

public sealed record FlashSaleVariantResult(string Sku, int Cap, int UnitsSold, int UnitsHeld, int UnitsLeft, Money Revenue);
