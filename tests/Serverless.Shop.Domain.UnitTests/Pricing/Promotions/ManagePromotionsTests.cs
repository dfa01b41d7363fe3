using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Pricing.Promotions.PromotionExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

public sealed class ManagePromotionsTests
{
    private readonly InMemoryPromotionStore _promotions = new();
    private readonly InMemoryPromotionUsageStore _usage = new();
    private readonly FixedClock _clock = new();

    private ManagePromotions Manage => new(_promotions, _usage, new ShopSettings(ShopCurrency), _clock);

    private static PromotionListQuery Query(string? live = null, string? enabled = null, string? code = null, string? pageSize = null) =>
        new(live, enabled, code, pageSize, null);

    [Fact]
    public async Task A_created_promotion_is_stored_under_a_new_promotion_id_with_the_stores_version()
    {
        var created = await Manage.CreateAsync(Coupon("spring20"), CancellationToken.None);

        created.Value.Id.ShouldStartWith("promo_");
        Ids.IsWellFormed(created.Value.Id).ShouldBeTrue();
        created.Value.Code.ShouldBe("SPRING20");
        created.Value.CreatedAt.ShouldBe(_clock.Now);
        _promotions.Current(created.Value.Id).ShouldBe(created);
    }

    [Fact]
    public async Task A_promotion_that_breaks_a_rule_is_not_stored()
    {
        await Should.ThrowAsync<ValidationFailedException>(() => Manage.CreateAsync(PercentOff() with { Percent = 0 }, CancellationToken.None));

        _promotions.Writes.ShouldBe(0);
    }

    [Fact]
    public async Task A_code_another_promotion_holds_is_a_duplicate_on_the_code_field()
    {
        await Manage.CreateAsync(Coupon("SPRING20"), CancellationToken.None);

        var failure = await Should.ThrowAsync<DuplicateResourceException>(() => Manage.CreateAsync(Coupon("spring20"), CancellationToken.None));

        failure.Field.ShouldBe("code");
        _promotions.Writes.ShouldBe(1);
    }

    [Fact]
    public async Task Getting_an_unknown_or_malformed_id_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.GetAsync("promo_missing", CancellationToken.None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.GetAsync("../etc", CancellationToken.None));
    }

    [Fact]
    public async Task Replacing_without_a_version_is_refused_and_changes_nothing()
    {
        var stored = await Manage.CreateAsync(PercentOff(), CancellationToken.None);

        await Should.ThrowAsync<VersionRequiredException>(() => Manage.ReplaceAsync(stored.Value.Id, PercentOff() with { Name = "Renamed" }, null, CancellationToken.None));

        _promotions.Current(stored.Value.Id).ShouldBe(stored);
    }

    [Fact]
    public async Task Replacing_an_outdated_version_is_stale_and_changes_nothing()
    {
        var stored = await Manage.CreateAsync(PercentOff(), CancellationToken.None);
        var changed = await Manage.ReplaceAsync(stored.Value.Id, PercentOff() with { Name = "First change" }, stored.Version, CancellationToken.None);

        await Should.ThrowAsync<StaleVersionException>(() => Manage.ReplaceAsync(stored.Value.Id, PercentOff() with { Name = "Second change" }, stored.Version, CancellationToken.None));

        _promotions.Current(stored.Value.Id).ShouldBe(changed);
    }

    [Fact]
    public async Task Replacing_changes_every_field_and_keeps_the_id_and_creation_time()
    {
        var stored = await Manage.CreateAsync(Coupon("SPRING20", usageLimit: 10), CancellationToken.None);
        var later = new FixedClock(_clock.Now.AddHours(2));
        var manage = new ManagePromotions(_promotions, _usage, new ShopSettings(ShopCurrency), later);

        var replaced = await manage.ReplaceAsync(stored.Value.Id, AmountOff(7) with { Code = "SUMMER7", Enabled = false }, stored.Version, CancellationToken.None);

        replaced.Value.Id.ShouldBe(stored.Value.Id);
        replaced.Value.Kind.ShouldBe(PromotionKind.AmountOff);
        replaced.Value.Code.ShouldBe("SUMMER7");
        replaced.Value.UsageLimit.ShouldBeNull();
        replaced.Value.Enabled.ShouldBeFalse();
        replaced.Value.CreatedAt.ShouldBe(_clock.Now);
        replaced.Value.UpdatedAt.ShouldBe(later.Now);
        _promotions.Current(stored.Value.Id).ShouldBe(replaced);
    }

    [Fact]
    public async Task A_replacement_that_breaks_a_rule_changes_nothing()
    {
        var stored = await Manage.CreateAsync(Coupon("SPRING20"), CancellationToken.None);

        await Should.ThrowAsync<ValidationFailedException>(() => Manage.ReplaceAsync(stored.Value.Id, Coupon("X"), stored.Version, CancellationToken.None));

        _promotions.Current(stored.Value.Id).ShouldBe(stored);
    }

    [Fact]
    public async Task Deleting_removes_the_promotion_and_an_outdated_version_is_refused()
    {
        var stored = await Manage.CreateAsync(Coupon("SPRING20"), CancellationToken.None);
        var changed = await Manage.ReplaceAsync(stored.Value.Id, Coupon("SPRING21"), stored.Version, CancellationToken.None);

        await Should.ThrowAsync<StaleVersionException>(() => Manage.DeleteAsync(stored.Value.Id, stored.Version, CancellationToken.None));
        _promotions.Current(stored.Value.Id).ShouldNotBeNull();

        await Manage.DeleteAsync(stored.Value.Id, changed.Version, CancellationToken.None);
        _promotions.Current(stored.Value.Id).ShouldBeNull();
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.DeleteAsync(stored.Value.Id, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_listing_passes_the_filters_upper_cases_the_code_and_asks_at_the_current_time()
    {
        await Manage.ListAsync(Query(live: "true", enabled: "false", code: "spr", pageSize: "10"), CancellationToken.None);

        var (filter, page) = _promotions.Listings.ShouldHaveSingleItem();
        filter.ShouldBe(new PromotionFilter(true, _clock.Now, false, "SPR"));
        page.Size.ShouldBe(10);
    }

    [Fact]
    public async Task A_listing_without_filters_lists_everything_a_page_at_a_time()
    {
        await Manage.ListAsync(Query(), CancellationToken.None);

        var (filter, page) = _promotions.Listings.ShouldHaveSingleItem();
        filter.ShouldBe(new PromotionFilter(null, _clock.Now, null, null));
        page.Size.ShouldBe(PageRequest.DefaultSize);
    }

    [Fact]
    public async Task A_listing_with_bad_filters_reports_each_and_reads_nothing()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            Manage.ListAsync(Query(live: "yes", enabled: "1", code: "10%", pageSize: "1000"), CancellationToken.None));

        failure.ShouldReport("live", "true or false");
        failure.ShouldReport("enabled", "true or false");
        failure.ShouldReport("code", "start of a code");
        failure.ShouldReport("pageSize");
        _promotions.Listings.ShouldBeEmpty();
    }

    [Fact]
    public async Task Usage_shows_held_redeemed_and_remaining_uses_of_the_limit()
    {
        var promotion = await Manage.CreateAsync(Coupon("SPRING20", usageLimit: 10), CancellationToken.None);
        var redemptions = new PromotionRedemptions(_promotions, _usage, _clock);
        var applied = new[] { Applied(promotion.Value) };
        await redemptions.HoldAsync("order_1", "cust_1", applied, CancellationToken.None);
        await redemptions.HoldAsync("order_2", "cust_2", applied, CancellationToken.None);
        await redemptions.HoldAsync("order_3", "cust_3", applied, CancellationToken.None);
        await redemptions.RedeemAsync("order_1", applied, CancellationToken.None);

        var usage = await Manage.GetUsageAsync(promotion.Value.Id, CancellationToken.None);

        usage.ShouldBe(new PromotionUsage(promotion.Value.Id, "SPRING20", 10, null, Held: 2, Redeemed: 1, Remaining: 7));
    }

    [Fact]
    public async Task Usage_of_an_unlimited_promotion_has_no_remaining_figure_and_of_an_unknown_one_is_not_found()
    {
        var promotion = await Manage.CreateAsync(PercentOff(), CancellationToken.None);

        (await Manage.GetUsageAsync(promotion.Value.Id, CancellationToken.None)).ShouldBe(new PromotionUsage(promotion.Value.Id, null, null, null, 0, 0, null));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage.GetUsageAsync("promo_missing", CancellationToken.None));
    }
}
