using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Analytics.Sales;
using static Serverless.Shop.IntegrationTests.Analytics.Sales.SalesTestOrders;

namespace Serverless.Shop.IntegrationTests.Analytics.Sales;

/// <summary>An erased customer's first-order document goes with the erasure's cleanup; another customer's stays.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class SalesPersonalDataCleanupTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task The_cleanup_forgets_the_erased_customers_first_order_only()
    {
        var services = fixture.Shop.Services;
        var counting = services.GetRequiredService<CountOrderSales>();
        var firsts = services.GetRequiredService<ISalesFirstOrders>();
        var (erased, kept) = (NewId("cust"), NewId("cust"));
        var paidAt = DateTimeOffset.UtcNow.AddDays(-2);
        foreach (var customer in new[] { erased, kept })
        {
            var order = Paid(customer, [Line(NewId("prod"), 1, 10m)], 0m, paidAt);
            await counting.ReactAsync(order, order.History[^1], Ct);
        }
        (await firsts.IsFirstAsync("customer:" + erased, "ORD-ZZZZ-ZZZZ", paidAt, Ct)).ShouldBeFalse("the counted order is their first");

        services.GetServices<IPersonalDataCleanup>().OfType<SalesPersonalDataCleanup>().ShouldHaveSingleItem();
        var cleanup = services.GetServices<IPersonalDataCleanup>().OfType<SalesPersonalDataCleanup>().Single();
        await cleanup.CleanUpAsync(erased, Ct);
        await cleanup.CleanUpAsync(erased, Ct);

        (await firsts.IsFirstAsync("customer:" + erased, "ORD-ZZZZ-ZZZZ", paidAt, Ct)).ShouldBeTrue("nothing is remembered of them");
        (await firsts.IsFirstAsync("customer:" + kept, "ORD-ZZZZ-ZZZZ", paidAt, Ct)).ShouldBeFalse();
    }
}
