using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Pricing;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>
/// Usage limits on the real Cosmos DB emulator, through the services the app runs with: many checkouts at once never
/// take more uses than the limit, per customer or in total; holds are idempotent by order and all or nothing.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PromotionRedemptionTests(LocalShopFixture fixture)
{
    private readonly IPromotionRedemptions _redemptions = fixture.Shop.Services.GetRequiredService<IPromotionRedemptions>();
    private readonly ManagePromotions _manage = fixture.Shop.Services.GetRequiredService<ManagePromotions>();
    private readonly ShopContainers _containers = fixture.Shop.Services.GetRequiredService<ShopContainers>();

    private static string NewOrder() => Ids.New("order");

    private async Task<AppliedPromotion> CouponAsync(int? usageLimit = null, int? perCustomerLimit = null, bool automatic = false)
    {
        var input = new PromotionInput
        {
            Name = "Limited", Kind = PromotionKind.PercentOff, Percent = 10,
            Code = automatic ? null : Http.PromotionApiTests.UniqueCode("R"), UsageLimit = usageLimit, PerCustomerLimit = perCustomerLimit,
        };
        var promotion = (await _manage.CreateAsync(input, CancellationToken.None)).Value;
        return new AppliedPromotion(promotion.Id, promotion.Name, promotion.Code, new Money(1, "EUR"));
    }

    private Task HoldAsync(string orderId, string? customerId, params AppliedPromotion[] promotions) =>
        _redemptions.HoldAsync(orderId, customerId, promotions, CancellationToken.None);

    private Task<PromotionUsage> UsageAsync(AppliedPromotion promotion) => _manage.GetUsageAsync(promotion.PromotionId, CancellationToken.None);

    /// <summary>Runs the holds all at once; true for each that held, false for each refused with the rule violation.</summary>
    private static async Task<bool[]> AllAtOnceAsync(int count, Func<int, Task> hold)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            try
            {
                await hold(i);
                return true;
            }
            catch (BusinessRuleViolationException)
            {
                return false;
            }
        }).ToList();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    private async Task<JsonElement?> DocumentAsync(AppliedPromotion promotion, string id)
    {
        var partition = CosmosPromotionUsageStore.PartitionFor(promotion.PromotionId);
        try
        {
            return (await _containers.CouponUsage.ReadItemAsync<JsonElement>(id, new PartitionKey(partition))).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    [Fact]
    public async Task Thirty_holds_at_once_on_a_code_with_limit_five_hold_exactly_five_and_refuse_the_rest_on_codes()
    {
        var coupon = await CouponAsync(usageLimit: 5);
        var refusals = new System.Collections.Concurrent.ConcurrentBag<BusinessRuleViolationException>();

        var held = await AllAtOnceAsync(30, async i =>
        {
            try { await HoldAsync(NewOrder(), $"cust_{i}", coupon); }
            catch (BusinessRuleViolationException e) { refusals.Add(e); throw; }
        });

        held.Count(h => h).ShouldBe(5);
        refusals.Count.ShouldBe(25);
        refusals.ShouldAllBe(e => e.Field == "codes" && e.Message.Contains(coupon.Code!));
        (await UsageAsync(coupon)).ShouldBe(new PromotionUsage(coupon.PromotionId, coupon.Code, 5, null, Held: 5, Redeemed: 0, Remaining: 0));
    }

    [Fact]
    public async Task A_limited_automatic_promotion_holds_its_limit_under_concurrency_too()
    {
        var flashSale = await CouponAsync(usageLimit: 3, automatic: true);

        var held = await AllAtOnceAsync(12, _ => HoldAsync(NewOrder(), null, flashSale));

        held.Count(h => h).ShouldBe(3);
        (await UsageAsync(flashSale)).Remaining.ShouldBe(0);
        (await DocumentAsync(flashSale, "uses")).ShouldNotBeNull().GetProperty("code").GetString().ShouldBe("promo:" + flashSale.PromotionId);
    }

    [Fact]
    public async Task Ten_holds_at_once_by_one_customer_with_a_per_customer_limit_of_one_hold_once()
    {
        var coupon = await CouponAsync(usageLimit: 100, perCustomerLimit: 1);

        var held = await AllAtOnceAsync(10, _ => HoldAsync(NewOrder(), "cust_greedy", coupon));

        held.Count(h => h).ShouldBe(1);
        (await UsageAsync(coupon)).Held.ShouldBe(1);
        await HoldAsync(NewOrder(), "cust_other", coupon); // someone else still can
        (await UsageAsync(coupon)).Held.ShouldBe(2);
    }

    [Fact]
    public async Task The_same_order_held_three_times_one_after_another_or_at_once_uses_the_code_once()
    {
        var coupon = await CouponAsync(usageLimit: 10, perCustomerLimit: 1);
        var sequential = NewOrder();
        for (var i = 0; i < 3; i++) await HoldAsync(sequential, "cust_a", coupon);
        (await UsageAsync(coupon)).Held.ShouldBe(1);

        var concurrent = NewOrder();
        var held = await AllAtOnceAsync(3, _ => HoldAsync(concurrent, "cust_b", coupon));

        held.ShouldAllBe(h => h);
        (await UsageAsync(coupon)).Held.ShouldBe(2);
    }

    [Fact]
    public async Task A_released_use_can_be_held_again_and_releasing_twice_gives_back_once()
    {
        var coupon = await CouponAsync(usageLimit: 1);
        var first = NewOrder();
        await HoldAsync(first, "cust_1", coupon);
        await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync(NewOrder(), "cust_2", coupon));

        await _redemptions.ReleaseAsync(first, [coupon], CancellationToken.None);
        await _redemptions.ReleaseAsync(first, [coupon], CancellationToken.None);
        (await UsageAsync(coupon)).Remaining.ShouldBe(1);

        await HoldAsync(NewOrder(), "cust_2", coupon);
        (await UsageAsync(coupon)).ShouldBe(new PromotionUsage(coupon.PromotionId, coupon.Code, 1, null, 1, 0, 0));
        (await DocumentAsync(coupon, "order:" + first)).ShouldNotBeNull().GetProperty("use").GetProperty("state").GetString().ShouldBe("released");
    }

    [Fact]
    public async Task A_hold_across_two_promotions_where_the_second_is_used_up_releases_the_first()
    {
        var first = await CouponAsync(usageLimit: 5, perCustomerLimit: 1);
        var second = await CouponAsync(usageLimit: 1);
        await HoldAsync(NewOrder(), "cust_early", second);
        var order = NewOrder();

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync(order, "cust_1", first, second));

        failure.Message.ShouldContain(second.Code!);
        (await UsageAsync(first)).ShouldBe(new PromotionUsage(first.PromotionId, first.Code, 5, 1, 0, 0, 5));
        (await UsageAsync(second)).Held.ShouldBe(1);
        await HoldAsync(NewOrder(), "cust_1", first); // the customer's one use was given back too
    }

    [Fact]
    public async Task Redeeming_makes_uses_final_and_a_cancelled_order_gives_them_back()
    {
        var coupon = await CouponAsync(usageLimit: 2, perCustomerLimit: 1);
        var order = NewOrder();
        await HoldAsync(order, "cust_1", coupon);

        await _redemptions.RedeemAsync(order, [coupon], CancellationToken.None);
        await _redemptions.RedeemAsync(order, [coupon], CancellationToken.None);
        (await UsageAsync(coupon)).ShouldBe(new PromotionUsage(coupon.PromotionId, coupon.Code, 2, 1, Held: 0, Redeemed: 1, Remaining: 1));
        await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync(NewOrder(), "cust_1", coupon));

        await _redemptions.ReleaseAsync(order, [coupon], CancellationToken.None);

        (await UsageAsync(coupon)).ShouldBe(new PromotionUsage(coupon.PromotionId, coupon.Code, 2, 1, Held: 0, Redeemed: 0, Remaining: 2));
        await HoldAsync(NewOrder(), "cust_1", coupon);
    }

    [Fact]
    public async Task A_guest_cannot_use_a_code_limited_per_customer_and_nothing_is_counted()
    {
        var coupon = await CouponAsync(usageLimit: 10, perCustomerLimit: 1);

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync(NewOrder(), null, coupon));

        failure.Field.ShouldBe("codes");
        (await UsageAsync(coupon)).Held.ShouldBe(0);
        (await DocumentAsync(coupon, "uses")).ShouldBeNull();
    }

    [Fact]
    public async Task Documents_stay_small_one_per_order_and_per_customer_beside_bounded_counters()
    {
        var coupon = await CouponAsync(usageLimit: 1000, perCustomerLimit: 5);
        for (var i = 0; i < 20; i++) await HoldAsync(NewOrder(), "cust_" + (i % 4), coupon);

        var uses = (await DocumentAsync(coupon, "uses")).ShouldNotBeNull();
        uses.GetProperty("units").GetInt32().ShouldBe(20);
        // A counter holds the change keys of its recent changes, at most about 400 of them (PromotionRedemptionJournalTests).
        uses.GetProperty("applied").GetArrayLength().ShouldBe(20);
        uses.GetRawText().Length.ShouldBeLessThan(600 + 20 * 19); // the fields and journal instants, then 19 characters a key
        var query = new QueryDefinition("SELECT c.id, c.type FROM c WHERE c.code = @p").WithParameter("@p", CosmosPromotionUsageStore.PartitionFor(coupon.PromotionId));
        var docs = new List<JsonElement>();
        using var feed = _containers.CouponUsage.GetItemQueryIterator<JsonElement>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(CosmosPromotionUsageStore.PartitionFor(coupon.PromotionId)) });
        while (feed.HasMoreResults) docs.AddRange(await feed.ReadNextAsync());
        docs.Count(d => d.GetProperty("type").GetString() == "use").ShouldBe(20);
        docs.Count(d => d.GetProperty("id").GetString()!.StartsWith("customer:", StringComparison.Ordinal)).ShouldBe(4);
        docs.Count.ShouldBe(20 + 4 + 1);
    }

    [Fact]
    public async Task Holding_redeeming_and_releasing_cost_the_documented_cosmos_calls()
    {
        var coupon = await CouponAsync(usageLimit: 10);
        var perCustomer = await CouponAsync(perCustomerLimit: 2);
        var earlier = NewOrder();
        await HoldAsync(earlier, "cust_1", coupon, perCustomer);
        await _redemptions.RedeemAsync(earlier, [coupon], CancellationToken.None); // every counter (the customer's too) exists from here on
        var order = NewOrder();

        var hold = CosmosCallCounter.BeginScope();
        await HoldAsync(order, "cust_1", coupon, perCustomer);
        hold.Value.ShouldBe(4 + 5);

        var redeem = CosmosCallCounter.BeginScope();
        await _redemptions.RedeemAsync(order, [coupon], CancellationToken.None);
        redeem.Value.ShouldBe(3);

        var release = CosmosCallCounter.BeginScope();
        await _redemptions.ReleaseAsync(order, [coupon, perCustomer], CancellationToken.None);
        // Redeemed: read the record, count the redemption again under its key before giving it back (so a release racing
        // the redeem gives it back exactly once: a refused patch and the read that tells why), write the record, give back
        // uses and redemptions. Held: read and write the record, give back uses and the customer's.
        release.Value.ShouldBe(6 + 4);
    }
}
