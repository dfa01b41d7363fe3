using System.Net;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.IntegrationTests.Customers;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>Asking to be told when a variant is back, over HTTP: what is stored, what is refused, and erasure.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class BackInStockApiTests(LocalShopFixture fixture)
{
    private readonly BackInStockShopper _shopper = new(fixture);

    [Fact]
    public async Task A_guest_asks_once_per_address_and_variant_and_the_address_is_stored_sealed()
    {
        var variant = await _shopper.ProductAsync();
        var email = $"waiting-{Guid.NewGuid():N}@example.com";

        var first = await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email });
        var body = await first.JsonAsync();
        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        body.GetProperty("status").GetString().ShouldBe("requested");
        body.GetProperty("sku").GetString().ShouldBe(variant.Sku);
        var expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        expiresAt.ShouldBe(DateTimeOffset.UtcNow + NotifyBackInStock.Retention, TimeSpan.FromMinutes(5));

        // Again, with the address in capitals: the same request, not an error, and its expiry unchanged.
        var again = await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email = email.ToUpperInvariant() });
        var againBody = await again.JsonAsync();
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted, againBody.ToString());
        againBody.GetProperty("expiresAt").GetDateTimeOffset().ShouldBe(expiresAt);

        var stored = (await _shopper.StoredAsync(variant.Sku)).ShouldHaveSingleItem();
        stored.Email.ShouldBe(email);
        stored.ProductId.ShouldBe(variant.ProductId);
        stored.CustomerId.ShouldBeNull();
        stored.Key.ShouldBe(await _shopper.Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default));

        // The document itself holds no readable address.
        var container = _shopper.Service<Infrastructure.Common.ShopContainers>().DataKeys.Database.GetContainer("marketing-flows");
        var id = Infrastructure.Marketing.Flows.CosmosBackInStockRequests.DocumentId(variant.Sku, stored.Key);
        var raw = (await container.ReadItemAsync<System.Text.Json.Nodes.JsonObject>(id, new Microsoft.Azure.Cosmos.PartitionKey(id))).Resource;
        raw.ToJsonString().ShouldNotContain(email, Case.Insensitive);
        raw["ttl"]!.GetValue<int>().ShouldBeInRange((int)NotifyBackInStock.Retention.TotalSeconds - 600, (int)NotifyBackInStock.Retention.TotalSeconds);
    }

    [Fact]
    public async Task Bad_requests_are_problems_that_name_the_field_and_store_nothing()
    {
        var variant = await _shopper.ProductAsync();
        var email = $"bad-{Guid.NewGuid():N}@example.com";

        await ProblemAssertions.ShouldBeProblem(await _shopper.AskAsync("prd_nosuchproduct", new { sku = variant.Sku, email }), HttpStatusCode.NotFound);
        await ProblemAssertions.ShouldBeProblem(await _shopper.AskAsync(variant.ProductId, new { email }), HttpStatusCode.BadRequest, "sku");
        var unknown = await ProblemAssertions.ShouldBeProblem(await _shopper.AskAsync(variant.ProductId, new { sku = "NOT-THIS-ONE", email }), HttpStatusCode.BadRequest, "sku");
        unknown.GetProperty("errors").GetProperty("sku")[0].GetString().ShouldBe("is not a variant of this product.");
        await ProblemAssertions.ShouldBeProblem(await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email = "not an address" }), HttpStatusCode.BadRequest, "email");
        await ProblemAssertions.ShouldBeProblem(await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku }), HttpStatusCode.BadRequest, "email");

        (await _shopper.StoredAsync(variant.Sku)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_variant_in_stock_now_is_a_conflict_that_says_so()
    {
        var variant = await _shopper.ProductAsync(units: 2);

        var problem = await ProblemAssertions.ShouldBeProblem(
            await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email = $"early-{Guid.NewGuid():N}@example.com" }), HttpStatusCode.Conflict, "sku");

        problem.GetProperty("detail").GetString()!.ShouldContain("is in stock now (2 available)");
        (await _shopper.StoredAsync(variant.Sku)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_product_that_is_not_active_is_not_found_as_for_any_shopper()
    {
        var draft = await _shopper.ProductAsync(status: "draft");

        await ProblemAssertions.ShouldBeProblem(
            await _shopper.AskAsync(draft.ProductId, new { sku = draft.Sku, email = $"draft-{Guid.NewGuid():N}@example.com" }), HttpStatusCode.NotFound);

        (await _shopper.StoredAsync(draft.Sku)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_signed_in_customer_is_asked_for_no_address_their_request_is_in_their_export_and_erasure_removes_it()
    {
        var variant = await _shopper.ProductAsync();
        var email = $"customer-{Guid.NewGuid():N}@example.com";
        var (customer, customerId) = await ProfileClient.SignUpAsync(fixture, email);

        var asked = await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku }, customer.Http);
        asked.StatusCode.ShouldBe(HttpStatusCode.Accepted, (await asked.JsonAsync()).ToString());
        var stored = (await _shopper.StoredAsync(variant.Sku)).ShouldHaveSingleItem();
        (stored.Email, stored.CustomerId).ShouldBe((email, customerId));

        var export = await (await customer.Http.GetAsync("api/me/data-export")).JsonAsync();
        var section = export.GetProperty("sections").GetProperty("backInStock").EnumerateArray().ShouldHaveSingleItem();
        section.GetProperty("sku").GetString().ShouldBe(variant.Sku);
        section.GetProperty("email").GetString().ShouldBe(email);

        var erased = await fixture.Client(ShopRoles.Admin).PostJsonAsync("api/privacy/erasures", new { customerId });
        erased.StatusCode.ShouldBe(HttpStatusCode.OK, await erased.Content.ReadAsStringAsync());

        (await _shopper.StoredAsync(variant.Sku)).ShouldBeEmpty();
        (await _shopper.Service<IBackInStockRequests>().ListByCustomerAsync(customerId, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_guest_request_with_a_customers_address_is_linked_to_that_customer_so_erasure_removes_it_too()
    {
        var variant = await _shopper.ProductAsync();
        var email = $"guest-customer-{Guid.NewGuid():N}@example.com";
        var (_, customerId) = await ProfileClient.SignUpAsync(fixture, email);

        (await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await _shopper.StoredAsync(variant.Sku)).ShouldHaveSingleItem().CustomerId.ShouldBe(customerId);

        (await fixture.Client(ShopRoles.Admin).PostJsonAsync("api/privacy/erasures", new { customerId })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await _shopper.StoredAsync(variant.Sku)).ShouldBeEmpty();
    }
}
