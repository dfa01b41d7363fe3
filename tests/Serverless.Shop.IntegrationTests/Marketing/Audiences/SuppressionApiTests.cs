using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Audiences;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

[Collection(MarketingShopCollection.Name)]
public sealed class SuppressionApiTests(MarketingShopFixture fixture)
{
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);
    private readonly HttpClient _admin = fixture.Client(ShopRoles.Admin);

    private static async Task<List<JsonElement>> AllAsync(HttpClient client)
    {
        var items = new List<JsonElement>();
        string? token = null;
        do
        {
            var response = await client.GetAsync("api/marketing/suppressions?pageSize=100" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            var body = await response.JsonAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
            items.AddRange(body.GetProperty("items").EnumerateArray());
            token = body.TryGetProperty("continuationToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);
        return items;
    }

    [Fact]
    public async Task A_marketer_adds_an_address_sees_it_counted_without_the_address_and_removes_it()
    {
        var email = MarketingShopFixture.NewEmail("suppressed");
        var added = await _marketer.PostJsonAsync("api/marketing/suppressions", new { email, note = "asked by phone" });
        var body = await added.JsonAsync();
        added.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        added.Headers.Location!.ToString().ShouldBe($"/api/marketing/suppressions/{id}");
        body.GetProperty("reasons")[0].GetProperty("reason").GetString().ShouldBe("staff");
        (await fixture.Shop.Services.GetRequiredService<IMarketingAudience>().MaySendAsync(email, default)).ShouldBeFalse();

        // Adding it again changes nothing.
        (await _marketer.PostJsonAsync("api/marketing/suppressions", new { email })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var list = await (await _marketer.GetAsync("api/marketing/suppressions")).JsonAsync();
        list.GetProperty("total").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        list.GetProperty("byReason").GetProperty("staff").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        var asMarketer = (await AllAsync(_marketer)).Single(i => i.GetProperty("id").GetString() == id);
        asMarketer.TryGetProperty("email", out _).ShouldBeFalse();
        asMarketer.GetProperty("reasons").GetArrayLength().ShouldBe(1);
        var asAdmin = (await AllAsync(_admin)).Single(i => i.GetProperty("id").GetString() == id);
        asAdmin.GetProperty("email").GetString().ShouldBe(email);

        (await _marketer.DeleteAsync($"api/marketing/suppressions/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await AllAsync(_admin)).ShouldNotContain(i => i.GetProperty("id").GetString() == id);
        await ProblemAssertions.ShouldBeProblem(await _marketer.DeleteAsync($"api/marketing/suppressions/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_counts_match_the_entries()
    {
        for (var i = 0; i < 3; i++) (await _admin.PostJsonAsync("api/marketing/suppressions", new { email = MarketingShopFixture.NewEmail("count") })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var first = await (await _admin.GetAsync("api/marketing/suppressions?pageSize=1")).JsonAsync();
        var all = await AllAsync(_admin);
        first.GetProperty("total").GetInt32().ShouldBe(all.Count);
        first.GetProperty("items").GetArrayLength().ShouldBe(1);
        first.GetProperty("byReason").GetProperty("staff").GetInt32()
            .ShouldBe(all.Count(i => i.GetProperty("reasons").EnumerateArray().Any(r => r.GetProperty("reason").GetString() == "staff")));
    }

    [Theory]
    [InlineData("{\"email\":\"nope\"}", "email")]
    [InlineData("{}", "email")]
    [InlineData("{\"email\":\"a@example.com\",\"note\":\"\"}", "note")]
    public async Task Bad_input_is_a_400_naming_the_field(string body, string field) =>
        await ProblemAssertions.ShouldBeProblem(await _marketer.SendRawAsync(HttpMethod.Post, "api/marketing/suppressions", body), HttpStatusCode.BadRequest, field);

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Removing_an_unknown_id_is_a_404(string id) =>
        await ProblemAssertions.ShouldBeProblem(await _marketer.DeleteAsync($"api/marketing/suppressions/{id}"), HttpStatusCode.NotFound);

    [Fact]
    public async Task A_bad_continuation_token_is_a_400() =>
        await ProblemAssertions.ShouldBeProblem(await _marketer.GetAsync("api/marketing/suppressions?continuationToken=forged"), HttpStatusCode.BadRequest, "continuationToken");

    [Fact]
    public async Task Only_marketers_and_admins_may_see_or_change_the_list()
    {
        var anonymous = fixture.Client();
        var support = fixture.Client(ShopRoles.Support);
        (await anonymous.GetAsync("api/marketing/suppressions")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await support.GetAsync("api/marketing/suppressions")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await support.PostJsonAsync("api/marketing/suppressions", new { email = "a@example.com" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.DeleteAsync("api/marketing/suppressions/00")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
