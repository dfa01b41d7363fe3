using System.Net;
using System.Net.Http.Headers;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Analytics.Reports;

/// <summary>A local shop of its own for the business reports (switching a report on changes what its timer sends).</summary>
public sealed class ReportShopFixture : LocalShopFixture
{
    /// <summary>Sets a report up through the API as an admin does, with the ETag it has now.</summary>
    public async Task<HttpResponseMessage> SetAsync(string kind, object settings)
    {
        var admin = Client(ShopRoles.Admin);
        var current = await admin.GetAsync($"api/analytics/reports/{kind}");
        current.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await admin.PutJsonAsync($"api/analytics/reports/{kind}", settings, current.Headers.ETag!.Tag);
    }

    /// <summary>Yesterday in UTC (the reports' zone in the test shop): the daily report's last closed period.</summary>
    public static string Yesterday => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

[CollectionDefinition(Name)]
public sealed class ReportShopCollection : ICollectionFixture<ReportShopFixture>
{
    public const string Name = "report shop";
}
