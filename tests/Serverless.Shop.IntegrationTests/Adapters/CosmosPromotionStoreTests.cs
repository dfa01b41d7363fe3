using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Pricing;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>The promotion store on the emulator: code claims under races and failures, and the catalog the pricing engine reads.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CosmosPromotionStoreTests(LocalShopFixture fixture)
{
    private readonly IPromotionStore _store = fixture.Shop.Services.GetRequiredService<IPromotionStore>();
    private readonly IPromotionCatalog _catalog = fixture.Shop.Services.GetRequiredService<IPromotionCatalog>();
    private readonly ManagePromotions _manage = fixture.Shop.Services.GetRequiredService<ManagePromotions>();
    private readonly Container _promotions = fixture.Shop.Services.GetRequiredService<ShopContainers>().Promotions;

    private static string Code() => Http.PromotionApiTests.UniqueCode("S");

    private Task<Versioned<Promotion>> CreateAsync(string? code = null, bool enabled = true, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null) =>
        _manage.CreateAsync(new PromotionInput { Name = "Store test", Kind = PromotionKind.PercentOff, Percent = 10, Code = code, Enabled = enabled, StartsAt = startsAt, EndsAt = endsAt }, CancellationToken.None);

    private async Task<string?> ClaimHolderAsync(string code)
    {
        try
        {
            var claim = await _promotions.ReadItemAsync<JsonElement>("code:" + code, new PartitionKey("code:" + code));
            return claim.Resource.GetProperty("promotionId").GetString();
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    [Fact]
    public async Task A_replace_that_loses_a_race_releases_the_code_it_claimed_and_keeps_the_old_one()
    {
        var oldCode = Code();
        var newCode = Code();
        var original = await CreateAsync(oldCode);
        var winner = original.Value with { Name = "Changed meanwhile" };
        await _store.ReplaceAsync(winner, original, CancellationToken.None);

        await Should.ThrowAsync<StaleVersionException>(() => _store.ReplaceAsync(original.Value with { Code = newCode }, original, CancellationToken.None));

        (await ClaimHolderAsync(newCode)).ShouldBeNull();
        (await ClaimHolderAsync(oldCode)).ShouldBe(original.Value.Id);
    }

    [Fact]
    public async Task Two_promotions_created_at_once_with_one_code_leave_exactly_one_holding_it()
    {
        var code = Code();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            try { return (await CreateAsync(code)).Value.Id; }
            catch (DuplicateResourceException e) when (e.Field == "code") { return null; }
        }));

        var winner = results.Where(r => r is not null).ShouldHaveSingleItem();
        (await ClaimHolderAsync(code)).ShouldBe(winner);
        (await _catalog.FindByCodesAsync([code], CancellationToken.None)).Select(p => p.Id).ShouldBe([winner]);
    }

    [Fact]
    public async Task A_claim_left_behind_by_a_crash_is_taken_over_by_the_next_promotion()
    {
        var code = Code();
        await _promotions.CreateItemAsync(new { id = "code:" + code, type = "code", promotionId = "promo_crashed" }, new PartitionKey("code:" + code));

        var created = await CreateAsync(code);

        (await ClaimHolderAsync(code)).ShouldBe(created.Value.Id);
    }

    [Fact]
    public async Task Codes_are_found_in_any_case_and_in_any_state_with_one_cosmos_call()
    {
        var live = await CreateAsync(Code());
        var paused = await CreateAsync(Code(), enabled: false);

        var box = CosmosCallCounter.BeginScope();
        var found = await _catalog.FindByCodesAsync([live.Value.Code!.ToLowerInvariant(), paused.Value.Code!, "UNKNOWN-CODE-XYZ"], CancellationToken.None);

        found.Select(p => p.Id).Order().ShouldBe(new[] { live.Value.Id, paused.Value.Id }.Order());
        box.Value.ShouldBe(1);
        var none = CosmosCallCounter.BeginScope();
        (await _catalog.FindByCodesAsync(["x", "not a code!"], CancellationToken.None)).ShouldBeEmpty();
        none.Value.ShouldBe(0);
    }

    [Fact]
    public async Task The_live_automatic_promotions_leave_out_coupons_and_paused_future_and_ended_ones_and_come_from_a_cache()
    {
        var now = DateTimeOffset.UtcNow;
        var live = await CreateAsync();
        var windowed = await CreateAsync(startsAt: now.AddMinutes(-5), endsAt: now.AddHours(1));
        var coupon = await CreateAsync(Code());
        var paused = await CreateAsync(enabled: false);
        var future = await CreateAsync(startsAt: now.AddDays(1));
        var ended = await CreateAsync(startsAt: now.AddDays(-2), endsAt: now.AddDays(-1));

        var ids = (await _catalog.ListLiveAutomaticAsync(now, CancellationToken.None)).Select(p => p.Id).ToList();

        ids.ShouldContain(live.Value.Id);
        ids.ShouldContain(windowed.Value.Id);
        ids.ShouldNotContain(coupon.Value.Id);
        ids.ShouldNotContain(paused.Value.Id);
        ids.ShouldNotContain(future.Value.Id);
        ids.ShouldNotContain(ended.Value.Id);
        (await _catalog.ListLiveAutomaticAsync(now.AddDays(1).AddMinutes(1), CancellationToken.None)).Select(p => p.Id).ShouldContain(future.Value.Id);

        var cached = CosmosCallCounter.BeginScope();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _catalog.ListLiveAutomaticAsync(now, CancellationToken.None)));
        cached.Value.ShouldBe(0);
    }

    [Fact]
    public async Task A_change_through_the_store_is_seen_by_the_catalog_at_once()
    {
        var promotion = await CreateAsync();
        (await _catalog.ListLiveAutomaticAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Select(p => p.Id).ShouldContain(promotion.Value.Id);

        await _store.ReplaceAsync(promotion.Value with { Enabled = false }, promotion, CancellationToken.None);

        (await _catalog.ListLiveAutomaticAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Select(p => p.Id).ShouldNotContain(promotion.Value.Id);
    }

    [Fact]
    public async Task Many_promotions_are_read_by_id_at_once_leaving_out_missing_ids_and_code_claims()
    {
        var code = Code();
        var coded = await CreateAsync(code);
        var automatic = await CreateAsync();

        var found = await _store.FindManyByIdsAsync([coded.Value.Id, automatic.Value.Id, "promo_missing", "code:" + code], CancellationToken.None);

        found.Select(p => p.Value.Id).ShouldBe([coded.Value.Id, automatic.Value.Id], ignoreOrder: true);
        found.Single(p => p.Value.Id == coded.Value.Id).Version.ShouldBe(coded.Version);
    }
}
