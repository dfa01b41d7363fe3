using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>A warehouse that could ship part of an order, and the units of each wanted SKU it has available.</summary>
public sealed record WarehouseCandidate(Warehouse Warehouse, IReadOnlyDictionary<string, int> Available);

/// <summary>One parcel: the units a warehouse ships, and how far it is from the destination (null when either place is unknown).</summary>
public sealed record AllocatedParcel(string WarehouseId, IReadOnlyList<ParcelItem> Items, double? DistanceKm);

/// <summary>Where each line of an order ships from: one parcel per warehouse, in the order they were ranked.</summary>
public sealed record Allocation(IReadOnlyList<AllocatedParcel> Parcels)
{
    /// <summary>The same units of the same SKUs from the same warehouses, whatever the order of parcels and items (distances aside).</summary>
    public bool SameAs(Allocation other) => Canonical(this).SequenceEqual(Canonical(other));

    private static IEnumerable<(string Warehouse, string Sku, int Quantity)> Canonical(Allocation allocation) => allocation.Parcels
        .SelectMany(p => p.Items.Select(i => (p.WarehouseId, i.Sku, i.Quantity)))
        .OrderBy(x => x.WarehouseId, StringComparer.Ordinal).ThenBy(x => x.Sku, StringComparer.Ordinal);

    /// <summary>The units of <paramref name="sku"/> each warehouse ships.</summary>
    public IReadOnlyDictionary<string, int> UnitsOf(string sku) => Parcels
        .SelectMany(p => p.Items.Where(i => i.Sku == sku).Select(i => (p.WarehouseId, i.Quantity)))
        .ToDictionary(x => x.WarehouseId, x => x.Quantity, StringComparer.Ordinal);
}

/// <summary>Why an order cannot be allocated: the first SKU (in the order's line order) the eligible warehouses together have too few of.</summary>
public sealed record AllocationShortage(string Sku, int Wanted, int Available);

/// <summary>
/// Decides which warehouses ship an order (docs/shipping.md#allocation). Only active warehouses that ship to the
/// destination country are considered. The nearest that can ship the whole order wins; when none can, the order is
/// split into the fewest parcels, and among equally few the shortest total distance wins. Distances are to
/// <c>destination</c>; when it is unknown (the address could not be located) or a warehouse has no location, the
/// warehouse's priority decides instead (lower first), then its id. Pure: no I/O, the same answer for the same input.
/// </summary>
public static class WarehouseAllocator
{
    /// <summary>
    /// Splits are searched exhaustively (every combination of k warehouses, k = 2, 3, ...) up to this many combinations;
    /// beyond it (a shop with dozens of warehouses that each hold a little) the warehouse covering most remaining units is
    /// taken greedily, which may use a parcel more than the best split.
    /// </summary>
    public const int MaximumCombinationsSearched = 20_000;

    /// <returns>The allocation, or the shortage that makes it impossible.</returns>
    public static (Allocation? Allocation, AllocationShortage? Shortage) Allocate(
        IReadOnlyList<ParcelItem> lines, string country, GeoPoint? destination, IReadOnlyList<WarehouseCandidate> candidates)
    {
        var wanted = lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g => (Sku: g.Key, Quantity: g.Sum(l => l.Quantity))).ToList();
        var ranked = candidates
            .Where(c => c.Warehouse.Active && c.Warehouse.ShipsToCountry(country))
            .Select(c => (Candidate: c, Distance: Distance(c.Warehouse, destination)))
            .OrderBy(c => c.Distance ?? double.MaxValue).ThenBy(c => c.Candidate.Warehouse.Priority).ThenBy(c => c.Candidate.Warehouse.Id, StringComparer.Ordinal)
            .ToList();

        foreach (var (sku, quantity) in wanted)
        {
            var total = ranked.Sum(c => (long)Math.Max(0, c.Candidate.Available.GetValueOrDefault(sku)));
            if (total < quantity) return (null, new AllocationShortage(sku, quantity, (int)Math.Min(total, int.MaxValue)));
        }

        // The whole order from one warehouse: the first, in rank order, that has everything.
        var whole = ranked.FindIndex(c => wanted.All(w => c.Candidate.Available.GetValueOrDefault(w.Sku) >= w.Quantity));
        if (whole >= 0) return (Split(wanted, [ranked[whole]]), null);

        // Only warehouses that have some of what is wanted can be part of a split.
        var useful = ranked.Where(c => wanted.Any(w => c.Candidate.Available.GetValueOrDefault(w.Sku) > 0)).ToList();
        return (Split(wanted, FewestParcels(wanted, useful)), null);
    }

    private static double? Distance(Warehouse warehouse, GeoPoint? destination) =>
        destination is { } to && to.IsOnTheGlobe() && warehouse.Location is { } from && from.IsOnTheGlobe() ? from.DistanceKmTo(to) : null;

    private static List<(WarehouseCandidate Candidate, double? Distance)> FewestParcels(
        List<(string Sku, int Quantity)> wanted, List<(WarehouseCandidate Candidate, double? Distance)> useful)
    {
        var searched = 0L;
        for (var k = 2; k <= useful.Count; k++)
        {
            List<(WarehouseCandidate, double?)>? best = null;
            var bestCost = (Distance: double.MaxValue, Rank: int.MaxValue);
            foreach (var combination in Combinations(useful.Count, k))
            {
                if (++searched > MaximumCombinationsSearched) return Greedy(wanted, useful);
                var chosen = combination.Select(i => useful[i]).ToList();
                if (!Covers(wanted, chosen)) continue;
                // Shortest total distance; unknown distances (and ties) by the rank positions, i.e. priority then id.
                var cost = (Distance: chosen.Sum(c => c.Distance ?? 0), Rank: combination.Sum());
                var unknown = chosen.Any(c => c.Distance is null);
                if (unknown) cost = (double.MaxValue / 2 + cost.Rank, cost.Rank);
                if (cost.Distance < bestCost.Distance || (cost.Distance == bestCost.Distance && cost.Rank < bestCost.Rank))
                {
                    best = chosen;
                    bestCost = cost;
                }
            }
            if (best is not null) return best;
        }
        return Greedy(wanted, useful);
    }

    private static bool Covers(List<(string Sku, int Quantity)> wanted, List<(WarehouseCandidate Candidate, double? Distance)> chosen) =>
        wanted.All(w => chosen.Sum(c => (long)Math.Max(0, c.Candidate.Available.GetValueOrDefault(w.Sku))) >= w.Quantity);

    private static List<(WarehouseCandidate Candidate, double? Distance)> Greedy(
        List<(string Sku, int Quantity)> wanted, List<(WarehouseCandidate Candidate, double? Distance)> useful)
    {
        var remaining = wanted.ToDictionary(w => w.Sku, w => w.Quantity, StringComparer.Ordinal);
        var chosen = new List<(WarehouseCandidate Candidate, double? Distance)>();
        while (remaining.Values.Any(q => q > 0))
        {
            var next = useful.Where(c => !chosen.Contains(c))
                .Select((c, i) => (c, i, Covered: remaining.Sum(r => (long)Math.Min(r.Value, Math.Max(0, c.Candidate.Available.GetValueOrDefault(r.Key))))))
                .OrderByDescending(x => x.Covered).ThenBy(x => x.i).First();
            chosen.Add(next.c);
            foreach (var sku in remaining.Keys.ToList())
                remaining[sku] -= Math.Min(remaining[sku], Math.Max(0, next.c.Candidate.Available.GetValueOrDefault(sku)));
        }
        return chosen.OrderBy(useful.IndexOf).ToList();
    }

    /// <summary>Gives each SKU's units to the chosen warehouses in rank order (nearest first), so a split line takes what it can from the nearest.</summary>
    private static Allocation Split(List<(string Sku, int Quantity)> wanted, List<(WarehouseCandidate Candidate, double? Distance)> chosen)
    {
        var items = chosen.ToDictionary(c => c.Candidate.Warehouse.Id, _ => new List<ParcelItem>(), StringComparer.Ordinal);
        foreach (var (sku, quantity) in wanted)
        {
            var left = quantity;
            foreach (var (candidate, _) in chosen)
            {
                var take = Math.Min(left, Math.Max(0, candidate.Available.GetValueOrDefault(sku)));
                if (take > 0) items[candidate.Warehouse.Id].Add(new ParcelItem(sku, take));
                left -= take;
                if (left == 0) break;
            }
        }
        return new Allocation(chosen.Where(c => items[c.Candidate.Warehouse.Id].Count > 0)
            .Select(c => new AllocatedParcel(c.Candidate.Warehouse.Id, items[c.Candidate.Warehouse.Id], c.Distance)).ToList());
    }

    /// <summary>Every k-element combination of 0..n-1, in lexicographic order (so lower-ranked indexes come first).</summary>
    private static IEnumerable<int[]> Combinations(int n, int k)
    {
        var indexes = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return (int[])indexes.Clone();
            var i = k - 1;
            while (i >= 0 && indexes[i] == n - k + i) i--;
            if (i < 0) yield break;
            indexes[i]++;
            for (var j = i + 1; j < k; j++) indexes[j] = indexes[j - 1] + 1;
        }
    }
}
