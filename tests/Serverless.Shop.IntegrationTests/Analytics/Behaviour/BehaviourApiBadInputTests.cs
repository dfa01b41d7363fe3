using System.Net;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Analytics.Behaviour;

/// <summary>The behaviour and abandoned-cart routes refuse bad ranges and bad numbers with problem details naming the field, and serve only admins and marketers.</summary>
[Collection(BehaviourShopCollection.Name)]
public sealed class BehaviourApiBadInputTests(BehaviourShopFixture fixture)
{
    public static readonly TheoryData<string> Routes =
    [
        "api/analytics/behaviour/funnel", "api/analytics/behaviour/pages", "api/analytics/behaviour/paths",
        "api/analytics/behaviour/sessions", "api/analytics/abandoned-carts", "api/analytics/abandoned-carts/list",
    ];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_range_whose_to_is_before_its_from_is_a_400_naming_to(string route)
    {
        using var response = await fixture.Client(ShopRoles.Admin).GetAsync($"{route}?from=2026-12-05&to=2026-12-01");

        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, "to");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_date_that_is_not_one_is_a_400_naming_it(string route)
    {
        using var response = await fixture.Client(ShopRoles.Marketer).GetAsync($"{route}?from=last-week");

        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, "from");
    }

    [Theory]
    [InlineData("api/analytics/behaviour/paths?top=0")]
    [InlineData("api/analytics/behaviour/pages?top=101")]
    [InlineData("api/analytics/behaviour/paths?top=ten")]
    [InlineData("api/analytics/abandoned-carts/list?top=201")]
    public async Task A_top_out_of_range_is_a_400_naming_top(string url)
    {
        using var response = await fixture.Client(ShopRoles.Marketer).GetAsync(url);

        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, "top");
    }

    [Fact]
    public async Task A_product_id_that_cannot_be_one_is_a_400_naming_it()
    {
        using var response = await fixture.Client(ShopRoles.Marketer).GetAsync("api/analytics/behaviour/funnel?productId=a%20b");

        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, "productId");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Only_admins_and_marketers_may_read(string route)
    {
        (await fixture.Client().GetAsync(route)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fixture.Client(ShopRoles.Merchandiser).GetAsync(route)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Customer).GetAsync(route)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Admin).GetAsync(route)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.Client(ShopRoles.Marketer).GetAsync(route)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
