using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Infrastructure.Privacy;
using Serverless.Shop.IntegrationTests.Checkout;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>A local shop as the function app is without Privacy:KeyVaultUri: no key source but the missing one.</summary>
public sealed class MissingPrivacyKeysFixture : LocalShopFixture
{
    protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> ConfigureShop =>
        builder => builder.Services.AddSingleton<IPrivacyKeySource, MissingPrivacyKeySource>();
}

[CollectionDefinition(Name)]
public sealed class MissingPrivacyKeysCollection : ICollectionFixture<MissingPrivacyKeysFixture>
{
    public const string Name = "local shop without privacy keys";
}

/// <summary>Over HTTP, a shop that cannot read its key-encryption key says so in /api/health and refuses to take or show orders.</summary>
[Collection(MissingPrivacyKeysCollection.Name)]
public sealed class PrivacyKeysMissingShopTests(MissingPrivacyKeysFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);

    [Fact]
    public async Task Health_is_unhealthy_naming_the_setting()
    {
        var response = await fixture.Client().GetAsync("api/health");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, text);
        text.ShouldContain("privacy-keys");
        text.ShouldContain(PrivacySettings.KeyVaultUriSetting);
    }

    [Fact]
    public async Task A_checkout_is_refused_with_503_and_no_order_is_written()
    {
        var cart = await _shop.CartWithAsync(await _shop.ProductInStockAsync(3), 1);
        var placed = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart));

        var problem = await ShouldBeProblem(placed.Response, HttpStatusCode.ServiceUnavailable);
        problem.GetProperty("detail").GetString()!.ShouldContain(PrivacySettings.KeyVaultUriSetting);
        var orders = await _shop.Admin.GetAsync("api/orders?pageSize=100");
        var listing = await orders.JsonAsync();
        // Listing needs no key when there is nothing to open: the checkout left no order behind.
        orders.StatusCode.ShouldBe(HttpStatusCode.OK, listing.ToString());
        listing.GetProperty("items").GetArrayLength().ShouldBe(0);
    }
}
