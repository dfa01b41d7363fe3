using System.Net;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>A POST retried with its Idempotency-Key gets the first answer again, never a second resource.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class IdempotencyTests(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);

    private static bool IsReplay(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";

    private async Task<List<string>> IdsOfProductsNamedAsync(string name)
    {
        var response = await _catalog.Merchandiser.GetAsync($"api/products?status=all&search={Uri.EscapeDataString(name.ToLowerInvariant())}");
        var listing = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, listing.ToString());
        return listing.GetProperty("items").EnumerateArray()
            .Where(p => p.GetProperty("name").GetString() == name).Select(p => p.GetProperty("id").GetString()!).ToList();
    }

    [Fact]
    public async Task A_product_created_twice_with_one_idempotency_key_is_created_once_and_the_retry_replays_the_answer()
    {
        var name = TestCatalog.Unique("Retried Mug");
        var body = TestCatalog.ProductBody(name);
        var key = Guid.NewGuid().ToString();

        var first = await _catalog.Merchandiser.PostJsonAsync("api/products", body, key);
        var retry = await _catalog.Merchandiser.PostJsonAsync("api/products", body, key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        IsReplay(first).ShouldBeFalse();
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        IsReplay(retry).ShouldBeTrue();
        var id = (await first.JsonAsync()).GetProperty("id").GetString();
        (await retry.JsonAsync()).GetProperty("id").GetString().ShouldBe(id);
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        retry.Headers.ETag.ShouldBe(first.Headers.ETag);
        (await IdsOfProductsNamedAsync(name)).ShouldBe([id!]);
    }

    [Fact]
    public async Task Five_concurrent_creates_with_one_idempotency_key_make_one_product()
    {
        var name = TestCatalog.Unique("Raced Mug");
        var body = TestCatalog.ProductBody(name);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _catalog.Merchandiser.PostJsonAsync("api/products", body, key)));

        var summary = string.Join(", ", responses.Select(r => $"{(int)r.StatusCode}{(IsReplay(r) ? " replayed" : "")}"));
        responses.Count(r => r.StatusCode == HttpStatusCode.Created && !IsReplay(r)).ShouldBe(1, summary);
        var ids = new HashSet<string?>();
        foreach (var response in responses)
        {
            var json = await response.JsonAsync();
            if (response.StatusCode == HttpStatusCode.Created) ids.Add(json.GetProperty("id").GetString());
            else
            {
                response.StatusCode.ShouldBe(HttpStatusCode.Conflict, summary);
                json.GetProperty("type").GetString().ShouldEndWith("/request-in-progress");
                response.Headers.RetryAfter.ShouldNotBeNull();
            }
        }
        ids.Count.ShouldBe(1);
        (await IdsOfProductsNamedAsync(name)).ShouldBe([.. ids.Select(i => i!)]);
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_a_422_and_creates_nothing()
    {
        var name = TestCatalog.Unique("Original Mug");
        var other = TestCatalog.Unique("Other Mug");
        var key = Guid.NewGuid().ToString();
        (await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(name), key)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var reused = await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(other), key);

        reused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await reused.JsonAsync()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _).ShouldBeTrue();
        (await IdsOfProductsNamedAsync(other)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_idempotency_key_of_300_characters_is_a_400_and_creates_nothing()
    {
        var name = TestCatalog.Unique("Long Key Mug");

        var response = await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(name), new string('k', 300));

        var problem = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, problem.ToString());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _).ShouldBeTrue(problem.ToString());
        (await IdsOfProductsNamedAsync(name)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Keys_belong_to_their_caller_so_another_caller_with_the_same_key_creates_its_own_product()
    {
        var key = Guid.NewGuid().ToString();
        var mine = TestCatalog.Unique("Mine Mug");
        var theirs = TestCatalog.Unique("Theirs Mug");

        var first = await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(mine), key);
        var second = await fixture.Client(Domain.Administration.ShopRoles.Admin).PostJsonAsync("api/products", TestCatalog.ProductBody(theirs), key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        IsReplay(second).ShouldBeFalse();
        (await IdsOfProductsNamedAsync(theirs)).Count.ShouldBe(1);
    }
}
