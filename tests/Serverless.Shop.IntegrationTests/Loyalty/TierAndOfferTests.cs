using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Loyalty;

/// <summary>
/// Tiers and personal offers over HTTP, through the checkout: the promotions engine sees each customer's real tier (the
/// default tiers: Bronze from 0, Silver from 500, Gold from 2000 EUR in 12 months, offers of 5, 10 and 15%), and a
/// personal offer's code works for its customer alone, once.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class TierAndOfferTests(LocalShopFixture fixture)
{
    private readonly LoyaltyShopper _loyalty = new(fixture);
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    private async Task<string> GoldOnlyCodeAsync(string categoryId)
    {
        var code = PromotionApiTests.UniqueCode("GOLD");
        var response = await _marketer.PostJsonAsync("api/promotions", new
        {
            name = "Gold members' 20%",
            kind = "percentOff",
            target = new { kind = "categories", ids = new[] { categoryId } },
            percent = 20,
            code,
            eligibility = new { membershipTiers = new[] { "Gold" } },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, (await response.JsonAsync()).ToString());
        return code;
    }

    [Fact]
    public async Task A_tier_limited_promotion_applies_to_a_Gold_customers_checkout_and_not_to_a_Bronze_ones()
    {
        var (categoryId, lamp) = await _loyalty.ProductInNewCategoryAsync(price: 40.00m);
        var code = await GoldOnlyCodeAsync(categoryId);
        var (goldId, gold) = _loyalty.NewCustomer();
        var (bronzeId, bronze) = _loyalty.NewCustomer();
        await _loyalty.PaidOrderAsync(goldId, 2100m);
        await _loyalty.PaidOrderAsync(bronzeId, 60m);
        (LoyaltyShopper.Tier(await LoyaltyShopper.HistoryWhenAsync(gold, h => LoyaltyShopper.Tier(h) == "Gold"))).ShouldBe("Gold");
        (LoyaltyShopper.Tier(await LoyaltyShopper.HistoryWhenAsync(bronze, h => h.GetProperty("summary").GetProperty("orderCount").GetInt32() == 1))).ShouldBe("Bronze");

        var goldCheckout = await _loyalty.CheckoutAsync(gold, await _loyalty.Checkout.CartWithAsync(lamp, 1, code));
        var bronzeCheckout = await _loyalty.CheckoutAsync(bronze, await _loyalty.Checkout.CartWithAsync(lamp, 1, code));

        goldCheckout.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, goldCheckout.Body.ToString());
        var applied = LoyaltyShopper.Promotion(goldCheckout.Body.GetProperty("pricing"), code).ShouldNotBeNull();
        applied.GetProperty("discount").GetProperty("amount").GetDecimal()
            .ShouldBe(LoyaltyShopper.ExpectedPercentOff(goldCheckout.Body.GetProperty("pricing"), code, 40.00m, 20m), "20% of 40.00, after any automatic promotion");

        bronzeCheckout.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, bronzeCheckout.Body.ToString());
        var pricing = bronzeCheckout.Body.GetProperty("pricing");
        LoyaltyShopper.Promotion(pricing, code).ShouldBeNull();
        LoyaltyShopper.Rejection(pricing, code).ShouldBe("This code is for Gold members only.");
    }

    [Fact]
    public async Task A_personal_offer_is_listed_for_its_customer_and_its_code_works_for_them_alone_and_once()
    {
        var (categoryId, lamp) = await _loyalty.ProductInNewCategoryAsync(price: 40.00m);
        var (ownerId, owner) = _loyalty.NewCustomer();
        var (_, someoneElse) = _loyalty.NewCustomer();
        await _loyalty.PaidOrderAsync(ownerId, 600m, lamp.ProductId);

        var offers = await HttpTestExtensions.EventuallyAsync(() => LoyaltyShopper.OffersAsync(owner), o => o.GetArrayLength() > 0);
        var offer = offers.EnumerateArray().ShouldHaveSingleItem();
        offer.GetProperty("tier").GetString().ShouldBe("Silver");
        offer.GetProperty("percent").GetDecimal().ShouldBe(10m);
        offer.GetProperty("categoryIds").EnumerateArray().Select(c => c.GetString()).ShouldBe([categoryId]);
        offer.GetProperty("validUntil").GetDateTimeOffset().ShouldBeInRange(DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));
        var code = offer.GetProperty("code").GetString()!;
        (await LoyaltyShopper.OffersAsync(someoneElse)).GetArrayLength().ShouldBe(0);

        // Another customer with the code: not theirs, so no discount and nothing of the offer used.
        var stolen = await _loyalty.CheckoutAsync(someoneElse, await _loyalty.Checkout.CartWithAsync(lamp, 1, code));
        stolen.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, stolen.Body.ToString());
        LoyaltyShopper.Promotion(stolen.Body.GetProperty("pricing"), code).ShouldBeNull();
        LoyaltyShopper.Rejection(stolen.Body.GetProperty("pricing"), code).ShouldBe("This code is not available to this customer.");
        await _loyalty.Checkout.CompletedAsync(stolen.Number);
        (await LoyaltyShopper.OffersAsync(owner)).GetArrayLength().ShouldBe(1, "the other customer's checkout did not use the offer");

        // The owner: 10% off their category.
        var first = await _loyalty.CheckoutAsync(owner, await _loyalty.Checkout.CartWithAsync(lamp, 1, code));
        first.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, first.Body.ToString());
        LoyaltyShopper.Promotion(first.Body.GetProperty("pricing"), code).ShouldNotBeNull()
            .GetProperty("discount").GetProperty("amount").GetDecimal()
            .ShouldBe(LoyaltyShopper.ExpectedPercentOff(first.Body.GetProperty("pricing"), code, 40.00m, 10m), "10% of 40.00, after any automatic promotion");
        await _loyalty.Checkout.CompletedAsync(first.Number);
        (await LoyaltyShopper.OffersAsync(owner)).GetArrayLength().ShouldBe(0, "a used offer is no longer current, and no second one comes while it is valid");

        // The owner again: the single use is gone, so the checkout is cancelled with the reason and nothing is charged.
        var second = await _loyalty.CheckoutAsync(owner, await _loyalty.Checkout.CartWithAsync(lamp, 1, code));
        second.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, second.Body.ToString());
        var outcome = (await _loyalty.Checkout.FinishedAsync(second.Number)).ReadOutputAs<CheckoutOutcome>()!;
        outcome.Result.ShouldBe(CheckoutResult.Cancelled);
        outcome.Reason.ShouldNotBeNull().ShouldContain(code);
    }

    [Fact]
    public async Task The_offers_route_is_for_signed_in_customers_only()
    {
        await ProblemAssertions.ShouldBeProblem(await fixture.Client().GetAsync("api/me/offers"), HttpStatusCode.Unauthorized);
        await ProblemAssertions.ShouldBeProblem(await fixture.Client(ShopRoles.Marketer).GetAsync("api/me/offers"), HttpStatusCode.Forbidden);
        await ProblemAssertions.ShouldBeProblem(await fixture.Client(ShopRoles.Support).GetAsync("api/me/offers"), HttpStatusCode.Forbidden);
    }
}
