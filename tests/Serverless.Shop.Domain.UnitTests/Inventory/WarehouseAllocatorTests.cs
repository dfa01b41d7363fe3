using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

public sealed class WarehouseAllocatorTests
{
    // Places along a line of latitude 52: each degree of longitude is about 68 km.
    private static readonly GeoPoint Utrecht = new(52.09, 5.12);
    private static readonly GeoPoint Amsterdam = new(52.37, 4.90);
    private static readonly GeoPoint Berlin = new(52.52, 13.40);
    private static readonly GeoPoint Munich = new(48.14, 11.58);
    private static readonly GeoPoint Hanover = new(52.37, 9.73);

    private static WarehouseCandidate At(string id, GeoPoint? location, params (string Sku, int Units)[] stock) =>
        Candidate(InMemoryWarehouseStore.Sample(id, location, ["DE", "NL"]), stock);

    private static WarehouseCandidate Candidate(Warehouse warehouse, params (string Sku, int Units)[] stock) =>
        new(warehouse, stock.ToDictionary(s => s.Sku, s => s.Units));

    private static ParcelItem[] Lines(params (string Sku, int Quantity)[] lines) => lines.Select(l => new ParcelItem(l.Sku, l.Quantity)).ToArray();

    private static Allocation Allocate(ParcelItem[] lines, GeoPoint? destination, params WarehouseCandidate[] candidates)
    {
        var (allocation, shortage) = WarehouseAllocator.Allocate(lines, "DE", destination, candidates);
        shortage.ShouldBeNull();
        return allocation!;
    }

    private static string Describe(Allocation allocation) =>
        string.Join(" | ", allocation.Parcels.Select(p => p.WarehouseId + ": " + string.Join(", ", p.Items.Select(i => $"{i.Quantity} {i.Sku}"))));

    [Fact]
    public void The_nearest_warehouse_that_has_the_whole_order_ships_it()
    {
        var allocation = Allocate(Lines(("MUG", 2), ("CAP", 1)), Berlin,
            At("utrecht", Utrecht, ("MUG", 10), ("CAP", 10)),
            At("hanover", Hanover, ("MUG", 10), ("CAP", 10)),
            At("munich", Munich, ("MUG", 10), ("CAP", 10)));

        Describe(allocation).ShouldBe("hanover: 2 MUG, 1 CAP");
        allocation.Parcels[0].DistanceKm!.Value.ShouldBe(Hanover.DistanceKmTo(Berlin), 0.001);
    }

    [Fact]
    public void A_nearer_warehouse_that_has_only_part_loses_to_a_farther_one_that_has_everything()
    {
        var allocation = Allocate(Lines(("MUG", 2), ("CAP", 1)), Berlin,
            At("hanover", Hanover, ("MUG", 10)),
            At("utrecht", Utrecht, ("MUG", 10), ("CAP", 1)));

        Describe(allocation).ShouldBe("utrecht: 2 MUG, 1 CAP");
    }

    [Fact]
    public void Lines_of_the_same_sku_are_added_up_before_deciding()
    {
        var allocation = Allocate(Lines(("MUG", 2), ("MUG", 2)), Berlin,
            At("hanover", Hanover, ("MUG", 3)),
            At("utrecht", Utrecht, ("MUG", 4)));

        Describe(allocation).ShouldBe("utrecht: 4 MUG");
    }

    [Fact]
    public void Without_a_whole_order_warehouse_the_order_is_split_into_the_fewest_parcels_even_if_a_nearer_split_has_more()
    {
        // Hanover and Munich are the nearest, but with them the order needs three parcels; Utrecht and Amsterdam ship it in two.
        var allocation = Allocate(Lines(("A", 1), ("B", 1), ("C", 1)), Berlin,
            At("hanover", Hanover, ("A", 1)),
            At("munich", Munich, ("B", 1)),
            At("amsterdam", Amsterdam, ("C", 1)),
            At("utrecht", Utrecht, ("A", 1), ("B", 1)));

        allocation.Parcels.Count.ShouldBe(2);
        Describe(allocation).ShouldBe("utrecht: 1 A, 1 B | amsterdam: 1 C");
    }

    [Fact]
    public void Among_equally_few_parcels_the_shortest_total_distance_wins()
    {
        var allocation = Allocate(Lines(("A", 1), ("B", 1)), Berlin,
            At("utrecht-a", Utrecht, ("A", 1)),
            At("hanover-a", Hanover, ("A", 1)),
            At("munich-b", Munich, ("B", 1)),
            At("amsterdam-b", Amsterdam, ("B", 1)));

        Describe(allocation).ShouldBe("hanover-a: 1 A | munich-b: 1 B");
    }

    [Fact]
    public void A_line_is_split_across_warehouses_taking_what_it_can_from_the_nearest_first()
    {
        var allocation = Allocate(Lines(("MUG", 5)), Berlin,
            At("utrecht", Utrecht, ("MUG", 4)),
            At("hanover", Hanover, ("MUG", 3)));

        Describe(allocation).ShouldBe("hanover: 3 MUG | utrecht: 2 MUG");
    }

    [Fact]
    public void Inactive_warehouses_and_those_that_do_not_ship_to_the_country_are_never_used()
    {
        var inactive = InMemoryWarehouseStore.Sample("hanover", Hanover, ["DE"], active: false);
        var dutchOnly = InMemoryWarehouseStore.Sample("amsterdam", Amsterdam, ["NL"]);

        var allocation = Allocate(Lines(("MUG", 1)), Berlin,
            Candidate(inactive, ("MUG", 10)), Candidate(dutchOnly, ("MUG", 10)), At("munich", Munich, ("MUG", 1)));

        Describe(allocation).ShouldBe("munich: 1 MUG");
    }

    [Fact]
    public void Without_destination_coordinates_priority_decides_then_the_id()
    {
        var first = InMemoryWarehouseStore.Sample("zulu", Munich, ["DE"], priority: 1);
        var second = InMemoryWarehouseStore.Sample("alpha", Hanover, ["DE"], priority: 5);
        var tied = InMemoryWarehouseStore.Sample("bravo", Berlin, ["DE"], priority: 5);

        Describe(Allocate(Lines(("MUG", 1)), null, Candidate(second, ("MUG", 1)), Candidate(tied, ("MUG", 1)), Candidate(first, ("MUG", 1)))).ShouldBe("zulu: 1 MUG");
        Describe(Allocate(Lines(("MUG", 1)), null, Candidate(tied, ("MUG", 1)), Candidate(second, ("MUG", 1)))).ShouldBe("alpha: 1 MUG");
        Allocate(Lines(("MUG", 1)), null, Candidate(first, ("MUG", 1))).Parcels[0].DistanceKm.ShouldBeNull();
    }

    [Fact]
    public void A_warehouse_without_a_location_ranks_after_every_located_one()
    {
        var migrated = InMemoryWarehouseStore.Sample("main", null, ["DE"], priority: 0);

        Describe(Allocate(Lines(("MUG", 1)), Berlin, Candidate(migrated, ("MUG", 5)), At("munich", Munich, ("MUG", 5)))).ShouldBe("munich: 1 MUG");
        Describe(Allocate(Lines(("MUG", 1)), Berlin, Candidate(migrated, ("MUG", 5)), At("munich", Munich))).ShouldBe("main: 1 MUG");
    }

    [Fact]
    public void An_order_the_eligible_warehouses_cannot_cover_together_names_the_first_short_sku()
    {
        var (allocation, shortage) = WarehouseAllocator.Allocate(Lines(("MUG", 2), ("CAP", 5), ("HAT", 9)), "DE", Berlin,
            [At("utrecht", Utrecht, ("MUG", 2), ("CAP", 2)), At("hanover", Hanover, ("CAP", 2), ("HAT", 1)),
             Candidate(InMemoryWarehouseStore.Sample("paris", null, ["FR"]), ("CAP", 100))]);

        allocation.ShouldBeNull();
        shortage.ShouldBe(new AllocationShortage("CAP", 5, 4));
    }

    [Fact]
    public void Negative_availability_of_a_warehouse_counts_as_none()
    {
        var (_, shortage) = WarehouseAllocator.Allocate(Lines(("MUG", 2)), "DE", Berlin, [At("a", Hanover, ("MUG", -5)), At("b", Munich, ("MUG", 1))]);

        shortage.ShouldBe(new AllocationShortage("MUG", 2, 1));
    }

    [Fact]
    public void Every_allocation_ships_exactly_the_units_ordered_and_never_more_than_a_warehouse_has()
    {
        var random = new Random(4711);
        for (var run = 0; run < 300; run++)
        {
            var skus = new[] { "A", "B", "C", "D" };
            var candidates = Enumerable.Range(0, random.Next(1, 7))
                .Select(i => At($"w{i}", new GeoPoint(random.Next(45, 55), random.Next(0, 15)), skus.Select(s => (s, random.Next(0, 4))).ToArray()))
                .ToArray();
            var lines = skus.Take(random.Next(1, 5)).Select(s => new ParcelItem(s, random.Next(1, 5))).ToArray();

            var (allocation, shortage) = WarehouseAllocator.Allocate(lines, "DE", Berlin, candidates);

            if (shortage is not null)
            {
                // A shortage is real: the warehouses together have too few of that SKU.
                candidates.Sum(c => c.Available.GetValueOrDefault(shortage.Sku)).ShouldBe(shortage.Available);
                shortage.Available.ShouldBeLessThan(shortage.Wanted);
                allocation.ShouldBeNull();
                continue;
            }
            foreach (var line in lines)
            {
                allocation!.UnitsOf(line.Sku).Values.Sum().ShouldBe(line.Quantity);
                foreach (var (warehouse, units) in allocation.UnitsOf(line.Sku))
                    units.ShouldBeLessThanOrEqualTo(candidates.Single(c => c.Warehouse.Id == warehouse).Available[line.Sku]);
            }
            if (allocation is null) continue;
            allocation.Parcels.Select(p => p.WarehouseId).ShouldBeUnique();
            // Fewest parcels: no smaller set of warehouses could have covered the order.
            var smallest = Enumerable.Range(1, candidates.Length).First(k => Subsets(candidates, k).Any(set => lines.All(l => set.Sum(c => c.Available.GetValueOrDefault(l.Sku)) >= l.Quantity)));
            allocation.Parcels.Count.ShouldBe(smallest, $"run {run}: {Describe(allocation)}");
        }
    }

    private static IEnumerable<WarehouseCandidate[]> Subsets(WarehouseCandidate[] all, int k) =>
        k == 0 ? [[]] : all.SelectMany((c, i) => Subsets(all[(i + 1)..], k - 1).Select(rest => (WarehouseCandidate[])[c, .. rest]));
}
