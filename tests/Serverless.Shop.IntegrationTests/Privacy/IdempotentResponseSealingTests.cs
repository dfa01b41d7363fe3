using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// A customer's response kept under an Idempotency-Key (24 hours, for retries) is stored sealed with their data key:
/// the idempotency container holds none of it in plain, a retry still gets it, and erasing the customer shreds it.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class IdempotentResponseSealingTests(LocalShopFixture fixture)
{
    private readonly PrivacyShopper _shop = new(fixture);

    private static async Task<HttpResponseMessage> CreateCartAsync(HttpClient customer, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/carts");
        request.Headers.Add("Idempotency-Key", key);
        return await customer.SendAsync(request);
    }

    /// <summary>The stored response of the request whose answer had this Location header, as the idempotency container holds it.</summary>
    private async Task<JsonElement> StoredResponseAsync(string location)
    {
        var container = fixture.Shop.Services.GetRequiredService<ShopContainers>().Client
            .GetDatabase(fixture.Shop.Services.GetRequiredService<CosmosOptions>().DatabaseName).GetContainer("idempotency");
        using var feed = container.GetItemQueryIterator<JsonElement>(new QueryDefinition("SELECT * FROM c WHERE c.response.headers.Location = @location").WithParameter("@location", location));
        var found = new List<JsonElement>();
        while (feed.HasMoreResults) found.AddRange(await feed.ReadNextAsync());
        return found.ShouldHaveSingleItem().GetProperty("response");
    }

    [Fact]
    public async Task A_customers_stored_response_is_sealed_replayed_to_a_retry_and_shredded_by_erasure()
    {
        var customerId = PrivacyShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        var key = Guid.NewGuid().ToString();

        var first = await CreateCartAsync(customer, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        var retry = await CreateCartAsync(customer, key);
        var stored = await StoredResponseAsync(first.Headers.Location!.OriginalString);

        first.StatusCode.ShouldBe(HttpStatusCode.Created, firstBody);
        var cartId = JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetString()!;
        stored.GetProperty("body").GetString()!.ShouldStartWith("sealed:pd:v");
        stored.GetProperty("body").GetString()!.ShouldNotContain(cartId);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(firstBody);

        (await _shop.Admin.PostAsync("api/privacy/erasures", System.Net.Http.Json.JsonContent.Create(new { customerId }))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var afterErasure = await CreateCartAsync(customer, key);

        afterErasure.StatusCode.ShouldBe(HttpStatusCode.Created, "the replay keeps its status");
        (await afterErasure.Content.ReadAsStringAsync()).ShouldBeEmpty("what was sealed with the destroyed key cannot be opened");
    }

    [Fact]
    public async Task A_guests_stored_response_is_kept_as_it_was_answered()
    {
        var key = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/carts");
        request.Headers.Add("Idempotency-Key", key);

        var created = await fixture.Client().SendAsync(request);

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await StoredResponseAsync(created.Headers.Location!.OriginalString)).GetProperty("body").GetString()!.ShouldStartWith("{");
    }
}
