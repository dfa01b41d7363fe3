using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

/// <summary>The local host offers bank transfer and the local wallet, and serves the wallet's page on its own port.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class LocalShopPaymentsTests(LocalShopFixture fixture)
{
    [Fact]
    public void Offers_bank_transfer_and_the_local_wallet()
    {
        var providers = fixture.Shop.Services.GetServices<IPaymentGateway>().Select(g => g.Provider).ToList();

        providers.ShouldContain("bank-transfer");
        providers.ShouldContain("local-wallet");
    }

    [Fact]
    public async Task Sends_wallet_shoppers_to_a_page_the_local_host_serves()
    {
        var wallet = fixture.Shop.Services.GetServices<IPaymentGateway>().Single(g => g.Provider == "local-wallet");

        var result = await wallet.ChargeAsync(new PaymentRequest("ord_local_1", new Money(12.50m, "EUR"), PaymentMethod.EWallet, null,
            "http://localhost/checkout/done", "ada@example.com", Guid.NewGuid().ToString()), CancellationToken.None);

        result.RedirectUrl.ShouldStartWith(fixture.Shop.BaseAddress + "simulators/wallet/");
        var page = await fixture.Client().GetAsync(result.RedirectUrl);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("12.50 EUR");
    }
}
