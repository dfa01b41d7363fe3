using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

public sealed class BackInStockPersonalDataTests
{
    private readonly BackInStockTestBed _bed = new();

    [Fact]
    public async Task The_export_shows_a_customers_requests_and_erasure_destroys_their_keys_and_removes_them()
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED", "LAMP-BLUE");
        var mine = _bed.Request(product.Id, "LAMP-RED", "robin@example.com", customerId: "cust_1");
        _bed.Request(product.Id, "LAMP-BLUE", "robin@example.com", customerId: "cust_1");
        var someoneElses = _bed.Request(product.Id, "LAMP-RED", "sam@example.com", customerId: "cust_2");
        var section = new BackInStockPersonalData(_bed.Requests, _bed.Vault);

        var export = (await section.ExportAsync("cust_1", default)).ShouldBeOfType<List<BackInStockRequestExport>>();
        export.Select(e => (e.Sku, e.Email)).ShouldBe([("LAMP-RED", "robin@example.com"), ("LAMP-BLUE", "robin@example.com")], ignoreOrder: true);
        section.Name.ShouldBe("backInStock");

        await section.CleanUpAsync("cust_1", default);
        await section.CleanUpAsync("cust_1", default);

        _bed.Requests.All.ShouldHaveSingleItem().ShouldBe(someoneElses);
        _bed.Vault.Erased.ShouldContain(DataOwner.MarketingContact(mine.DataOwnerId));
        _bed.Vault.Erased.Count.ShouldBe(2);
        (await section.ExportAsync("cust_1", default)).ShouldBeNull();
    }
}
