using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Promotions and coupon codes over HTTP: the marketers' CRUD, unique codes, versions, bad input, and usage.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class PromotionApiTests(LocalShopFixture fixture)
{
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    public static string UniqueCode(string prefix = "T") => (prefix + Guid.NewGuid().ToString("N"))[..20].ToUpperInvariant();

    private static object Body(string? code = null, string name = "Spring sale", decimal percent = 20, int? usageLimit = null, bool enabled = true,
        DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null) => new
    {
        name,
        kind = "percentOff",
        target = new { kind = "categories", ids = new[] { "cat_mugs" } },
        percent,
        code,
        usageLimit,
        enabled,
        startsAt,
        endsAt,
    };

    private async Task<(string Id, string ETag, JsonElement Body)> CreateAsync(object body, HttpClient? client = null)
    {
        var response = await (client ?? _marketer).PostJsonAsync("api/promotions", body);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        return (json.GetProperty("id").GetString()!, response.Headers.ETag!.Tag, json);
    }

    private async Task<List<JsonElement>> ListAsync(string query)
    {
        var response = await _marketer.GetAsync("api/promotions?" + query);
        var page = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, page.ToString());
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private async Task<bool> CodeIsClaimedAsync(string code)
    {
        var promotions = fixture.Shop.Services.GetRequiredService<ShopContainers>().Promotions;
        try
        {
            await promotions.ReadItemAsync<JsonElement>("code:" + code, new PartitionKey("code:" + code));
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_marketer_creates_reads_replaces_and_deletes_a_coupon()
    {
        var code = UniqueCode();
        var created = await _marketer.PostJsonAsync("api/promotions", Body(code.ToLowerInvariant(), usageLimit: 100));
        var body = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        created.Headers.Location!.ToString().ShouldBe($"/api/promotions/{id}");
        body.GetProperty("code").GetString().ShouldBe(code);
        body.GetProperty("kind").GetString().ShouldBe("percentOff");
        body.GetProperty("percent").GetDecimal().ShouldBe(20);
        body.GetProperty("usageLimit").GetInt32().ShouldBe(100);
        body.GetProperty("stacking").GetString().ShouldBe("stackable");
        var etag = created.Headers.ETag!.Tag;

        var read = await _marketer.GetAsync($"api/promotions/{id}");
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Headers.ETag!.Tag.ShouldBe(etag);
        (await read.JsonAsync()).GetProperty("name").GetString().ShouldBe("Spring sale");

        var replaced = await _marketer.PutJsonAsync($"api/promotions/{id}", new { name = "Five off", kind = "amountOff", amount = new { amount = 5, currency = "EUR" }, code }, etag);
        var replacedBody = await replaced.JsonAsync();
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK, replacedBody.ToString());
        replaced.Headers.ETag!.Tag.ShouldNotBe(etag);
        replacedBody.GetProperty("kind").GetString().ShouldBe("amountOff");
        replacedBody.TryGetProperty("percent", out _).ShouldBeFalse();
        replacedBody.TryGetProperty("usageLimit", out _).ShouldBeFalse();
        replacedBody.GetProperty("createdAt").GetDateTimeOffset().ShouldBe(body.GetProperty("createdAt").GetDateTimeOffset());

        var deleted = await _marketer.DeleteAsync($"api/promotions/{id}");
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await ShouldBeProblem(await _marketer.GetAsync($"api/promotions/{id}"), HttpStatusCode.NotFound);
        (await CodeIsClaimedAsync(code)).ShouldBeFalse();
    }

    [Fact]
    public async Task An_admin_manages_promotions_too()
    {
        var admin = fixture.Client(ShopRoles.Admin);
        var (id, etag, _) = await CreateAsync(Body(), admin);
        (await admin.GetAsync($"api/promotions/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"api/promotions/{id}");
        delete.Headers.TryAddWithoutValidation("If-Match", etag);
        (await admin.SendAsync(delete)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Without_a_token_promotions_are_401_and_for_other_roles_403_and_nothing_is_created()
    {
        var code = UniqueCode();
        var (id, etag, _) = await CreateAsync(Body());

        var anonymous = fixture.Client();
        await ShouldBeProblem(await anonymous.PostJsonAsync("api/promotions", Body(code)), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await anonymous.GetAsync("api/promotions"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await anonymous.GetAsync($"api/promotions/{id}"), HttpStatusCode.Unauthorized);
        foreach (var role in new[] { ShopRoles.Customer, ShopRoles.Merchandiser, ShopRoles.Support })
        {
            var client = fixture.Client(role);
            await ShouldBeProblem(await client.PostJsonAsync("api/promotions", Body(code)), HttpStatusCode.Forbidden);
            await ShouldBeProblem(await client.GetAsync("api/promotions"), HttpStatusCode.Forbidden);
            await ShouldBeProblem(await client.GetAsync($"api/promotions/{id}/usage"), HttpStatusCode.Forbidden);
            await ShouldBeProblem(await client.PutJsonAsync($"api/promotions/{id}", Body(name: "Hijacked"), etag), HttpStatusCode.Forbidden);
            await ShouldBeProblem(await client.DeleteAsync($"api/promotions/{id}"), HttpStatusCode.Forbidden);
        }

        (await ListAsync($"code={code}")).ShouldBeEmpty();
        (await CodeIsClaimedAsync(code)).ShouldBeFalse();
        (await (await _marketer.GetAsync($"api/promotions/{id}")).JsonAsync()).GetProperty("name").GetString().ShouldBe("Spring sale");
    }

    [Fact]
    public async Task A_code_another_promotion_holds_is_a_409_on_code_in_any_case_and_the_second_is_not_written()
    {
        var code = UniqueCode();
        var (firstId, _, _) = await CreateAsync(Body(code));

        await ShouldBeProblem(await _marketer.PostJsonAsync("api/promotions", Body(code.ToLowerInvariant(), name: "Copy")), HttpStatusCode.Conflict, "code");

        var withCode = await ListAsync($"code={code}");
        withCode.Select(p => p.GetProperty("id").GetString()).ShouldBe([firstId]);
    }

    [Fact]
    public async Task An_update_without_if_match_is_428_and_with_a_stale_one_412_and_neither_changes_anything()
    {
        var (id, etag, _) = await CreateAsync(Body());
        var changed = await _marketer.PutJsonAsync($"api/promotions/{id}", Body(name: "First change"), etag);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);

        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/promotions/{id}", Body(name: "No version"), null), (HttpStatusCode)428, "If-Match");
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/promotions/{id}", Body(name: "Stale"), etag), HttpStatusCode.PreconditionFailed, "If-Match");
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/promotions/{id}", Body(name: "Forged"), "\"not-an-etag\""), HttpStatusCode.PreconditionFailed, "If-Match");
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"api/promotions/{id}");
        delete.Headers.TryAddWithoutValidation("If-Match", etag);
        await ShouldBeProblem(await _marketer.SendAsync(delete), HttpStatusCode.PreconditionFailed);

        var current = await _marketer.GetAsync($"api/promotions/{id}");
        (await current.JsonAsync()).GetProperty("name").GetString().ShouldBe("First change");
        current.Headers.ETag!.Tag.ShouldBe(changed.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task A_failed_update_with_a_new_code_leaves_no_claim_on_it_and_keeps_the_old_one()
    {
        var oldCode = UniqueCode();
        var newCode = UniqueCode();
        var (id, etag, _) = await CreateAsync(Body(oldCode));
        var current = (await _marketer.PutJsonAsync($"api/promotions/{id}", Body(oldCode, name: "Renamed"), etag)).Headers.ETag!.Tag;

        // Stale version, a rule broken elsewhere in the body, a code held by another promotion: each fails whole.
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/promotions/{id}", Body(newCode), etag), HttpStatusCode.PreconditionFailed);
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/promotions/{id}", Body(newCode, percent: 0), current), HttpStatusCode.BadRequest, "percent");
        var taken = UniqueCode();
        await CreateAsync(Body(taken));
        await ShouldBeProblem(await _marketer.PutJsonAsync($"api/promotions/{id}", Body(taken), current), HttpStatusCode.Conflict, "code");

        (await CodeIsClaimedAsync(newCode)).ShouldBeFalse();
        (await CodeIsClaimedAsync(oldCode)).ShouldBeTrue();
        var stored = await (await _marketer.GetAsync($"api/promotions/{id}")).JsonAsync();
        stored.GetProperty("code").GetString().ShouldBe(oldCode);
        stored.GetProperty("name").GetString().ShouldBe("Renamed");
        await ShouldBeProblem(await _marketer.PostJsonAsync("api/promotions", Body(oldCode)), HttpStatusCode.Conflict, "code");
        await CreateAsync(Body(newCode)); // free for anyone
    }

    [Fact]
    public async Task Changing_a_code_frees_the_old_one_and_removing_it_makes_the_promotion_automatic()
    {
        var first = UniqueCode();
        var second = UniqueCode();
        var (id, etag, _) = await CreateAsync(Body(first));

        var renamed = await _marketer.PutJsonAsync($"api/promotions/{id}", Body(second), etag);
        renamed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CodeIsClaimedAsync(first)).ShouldBeFalse();
        await CreateAsync(Body(first)); // the old code is free for a new promotion
        await ShouldBeProblem(await _marketer.PostJsonAsync("api/promotions", Body(second)), HttpStatusCode.Conflict, "code");

        var automatic = await _marketer.PutJsonAsync($"api/promotions/{id}", Body(code: null), renamed.Headers.ETag!.Tag);
        automatic.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await automatic.JsonAsync()).TryGetProperty("code", out _).ShouldBeFalse();
        (await CodeIsClaimedAsync(second)).ShouldBeFalse();
    }

    [Fact]
    public async Task Deleting_a_coupon_frees_its_code_for_a_new_promotion()
    {
        var code = UniqueCode();
        var (id, _, _) = await CreateAsync(Body(code));

        (await _marketer.DeleteAsync($"api/promotions/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var (newId, _, _) = await CreateAsync(Body(code, name: "Reborn"));
        newId.ShouldNotBe(id);
        await ShouldBeProblem(await _marketer.DeleteAsync($"api/promotions/{id}"), HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{}", "name" },
        { "{\"name\": \"x\"}", "kind" },
        { "{\"name\": \"x\", \"kind\": \"halfPrice\"}", "kind" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\"}", "percent" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 0}", "percent" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": \"lots\"}", "percent" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"amount\": {\"amount\": 5, \"currency\": \"EUR\"}}", "amount" },
        { "{\"name\": \"x\", \"kind\": \"amountOff\", \"amount\": {\"amount\": 5, \"currency\": \"USD\"}}", "amount.currency" },
        { "{\"name\": \"x\", \"kind\": \"amountOff\", \"amount\": {\"amount\": -5, \"currency\": \"EUR\"}}", "amount.amount" },
        { "{\"name\": \"x\", \"kind\": \"buyXGetY\", \"buyXGetY\": {\"buy\": 0, \"get\": 1, \"percentOff\": 100}}", "buyXGetY.buy" },
        { "{\"name\": \"x\", \"kind\": \"bundle\", \"bundle\": {\"components\": [{\"target\": {\"kind\": \"products\", \"ids\": [\"prod_a\"]}, \"quantity\": 1}], \"price\": {\"amount\": 10, \"currency\": \"EUR\"}}}", "bundle.components" },
        { "{\"name\": \"x\", \"kind\": \"tiered\", \"tierMeasure\": \"spend\", \"tiers\": [{\"threshold\": 100, \"percent\": 5}, {\"threshold\": 50, \"percent\": 10}]}", "tiers[1].threshold" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"target\": {\"kind\": \"products\", \"ids\": []}}", "target.ids" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"code\": \"A!\"}", "code" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"usageLimit\": 0}", "usageLimit" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"perCustomerLimit\": -1}", "perCustomerLimit" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"priority\": 5000}", "priority" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"startsAt\": \"2030-01-02T00:00:00Z\", \"endsAt\": \"2030-01-01T00:00:00Z\"}", "endsAt" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"startsAt\": \"next tuesday\"}", "startsAt" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\", \"percent\": 10, \"eligibility\": {\"minimumSubtotal\": {\"amount\": 0, \"currency\": \"EUR\"}}}", "eligibility.minimumSubtotal.amount" },
        { "{\"name\": \"x\", \"kind\": \"percentOff\",", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_promotion_that_breaks_a_rule_is_a_400_naming_the_field_and_is_not_written(string json, string field)
    {
        // The listing is newest first: had anything been written, it would lead the list.
        async Task<string?> NewestAsync() => (await ListAsync("pageSize=1")).SingleOrDefault() is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("id").GetString() : null;
        await CreateAsync(Body());
        var before = await NewestAsync();

        await ShouldBeProblem(await _marketer.SendRawAsync(HttpMethod.Post, "api/promotions", json), HttpStatusCode.BadRequest, field);

        (await NewestAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_code_in_a_rejected_promotion_is_not_claimed()
    {
        var code = UniqueCode();

        await ShouldBeProblem(await _marketer.PostJsonAsync("api/promotions", Body(code, percent: 101)), HttpStatusCode.BadRequest, "percent");

        (await CodeIsClaimedAsync(code)).ShouldBeFalse();
        await CreateAsync(Body(code));
    }

    [Fact]
    public async Task The_listing_filters_by_code_enabled_and_live_and_pages_with_tokens()
    {
        var prefix = UniqueCode("L")[..12];
        var now = DateTimeOffset.UtcNow;
        var (live, _, _) = await CreateAsync(Body(prefix + "-LIVE"));
        var (paused, _, _) = await CreateAsync(Body(prefix + "-PAUSED", enabled: false));
        var (future, _, _) = await CreateAsync(Body(prefix + "-FUTURE", startsAt: now.AddDays(1)));
        var (ended, _, _) = await CreateAsync(Body(prefix + "-ENDED", startsAt: now.AddDays(-2), endsAt: now.AddDays(-1)));

        string[] Ids(List<JsonElement> items) => items.Select(p => p.GetProperty("id").GetString()!).Order().ToArray();
        Ids(await ListAsync($"code={prefix.ToLowerInvariant()}")).ShouldBe(new[] { live, paused, future, ended }.Order().ToArray());
        Ids(await ListAsync($"code={prefix}&live=true")).ShouldBe([live]);
        Ids(await ListAsync($"code={prefix}&live=false")).ShouldBe(new[] { paused, future, ended }.Order().ToArray());
        Ids(await ListAsync($"code={prefix}&enabled=false")).ShouldBe([paused]);

        var pages = new List<List<JsonElement>>();
        string? token = null;
        do
        {
            var response = await _marketer.GetAsync($"api/promotions?code={prefix}&pageSize=3" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}"));
            var page = await response.JsonAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, page.ToString());
            pages.Add(page.GetProperty("items").EnumerateArray().ToList());
            token = page.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
        } while (token is not null && pages.Count < 10);
        pages[0].Count.ShouldBe(3);
        // Newest first across pages, each promotion once.
        pages.SelectMany(p => p).Select(p => p.GetProperty("id").GetString()).ShouldBe([ended, future, paused, live]);
    }

    [Theory]
    [InlineData("live=maybe", "live")]
    [InlineData("enabled=1", "enabled")]
    [InlineData("code=10%25", "code")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("pageSize=abc", "pageSize")]
    [InlineData("continuationToken=forged", "continuationToken")]
    public async Task A_bad_listing_filter_is_a_400_naming_it(string query, string field) =>
        await ShouldBeProblem(await _marketer.GetAsync("api/promotions?" + query), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task Usage_shows_what_checkouts_hold_what_paid_orders_redeemed_and_what_remains()
    {
        var (id, _, body) = await CreateAsync(Body(UniqueCode(), usageLimit: 10));
        var redemptions = fixture.Shop.Services.GetRequiredService<IPromotionRedemptions>();
        var applied = new[] { new AppliedPromotion(id, "Spring sale", body.GetProperty("code").GetString(), new Money(1, "EUR")) };
        await redemptions.HoldAsync("order_u1", "cust_1", applied, CancellationToken.None);
        await redemptions.HoldAsync("order_u2", "cust_2", applied, CancellationToken.None);
        await redemptions.HoldAsync("order_u3", "cust_3", applied, CancellationToken.None);
        await redemptions.RedeemAsync("order_u1", applied, CancellationToken.None);
        await redemptions.ReleaseAsync("order_u3", applied, CancellationToken.None);

        var response = await _marketer.GetAsync($"api/promotions/{id}/usage");
        var usage = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, usage.ToString());
        usage.GetProperty("promotionId").GetString().ShouldBe(id);
        usage.GetProperty("usageLimit").GetInt32().ShouldBe(10);
        usage.GetProperty("held").GetInt32().ShouldBe(1);
        usage.GetProperty("redeemed").GetInt32().ShouldBe(1);
        usage.GetProperty("remaining").GetInt32().ShouldBe(8);
        response.CosmosCalls().ShouldBe(2);

        await ShouldBeProblem(await _marketer.GetAsync("api/promotions/promo_missing/usage"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reading_a_promotion_is_one_cosmos_call_and_a_conditional_get_answers_304()
    {
        var (id, etag, _) = await CreateAsync(Body());

        var read = await _marketer.GetAsync($"api/promotions/{id}");
        read.CosmosCalls().ShouldBe(1);
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/promotions/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        (await _marketer.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }
}
