using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

/// <summary>The local host runs card payments on the simulator and serves its 3-D Secure page on its own address.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class LocalShopCardPaymentsTests(LocalShopFixture fixture)
{
    [Fact]
    public async Task Cards_go_to_the_simulator_whose_3d_secure_page_the_local_host_serves()
    {
        var gateway = fixture.Shop.Services.GetRequiredService<PaymentGateways>().For(PaymentMethod.Card);
        gateway.ShouldBeOfType<LocalCardPaymentSimulator>();

        var result = await gateway.ChargeAsync(new PaymentRequest("ord_local", new Money(5m, "EUR"), PaymentMethod.Card,
            "pm_card_authenticationRequired", null, "ada@example.com", "ord_local:" + Guid.NewGuid().ToString("N")), CancellationToken.None);

        result.RedirectUrl.ShouldStartWith(new Uri(fixture.Shop.BaseAddress, "simulators/card/3ds/").ToString());
        using var browser = new HttpClient();
        var page = await browser.GetAsync(result.RedirectUrl);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("5.00 EUR");
    }
}
