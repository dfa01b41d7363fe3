using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>Reading many products at once (pricing a cart) on the Cosmos DB emulator.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CosmosProductStoreTests(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);
    private IProductStore Store => fixture.Shop.Services.GetRequiredService<IProductStore>();

    [Fact]
    public async Task Many_products_are_read_in_one_call_and_missing_ids_are_left_out()
    {
        var a = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Read many A")));
        var b = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Read many B")));
        var stored = await Store.FindByIdAsync(a.Id, CancellationToken.None);
        await Store.FindManyByIdsAsync(["prod_warmup"], CancellationToken.None);

        var calls = CosmosCallCounter.BeginScope();
        // The slug claim lives in the same container under "slug:<slug>": it must not come back as a product.
        var found = await Store.FindManyByIdsAsync([a.Id, b.Id, "prod_missing", a.Id, "slug:" + a.Slug], CancellationToken.None);

        calls.Value.ShouldBe(1);
        found.Select(p => p.Value.Id).Order().ShouldBe(new[] { a.Id, b.Id }.Order());
        found.Single(p => p.Value.Id == a.Id).Version.ShouldBe(stored!.Version);
    }

    [Fact]
    public async Task No_ids_cost_no_call()
    {
        var calls = CosmosCallCounter.BeginScope();

        (await Store.FindManyByIdsAsync([], CancellationToken.None)).ShouldBeEmpty();

        calls.Value.ShouldBe(0);
    }
}
