using System.Text.Json.Nodes;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>The Azure Monitor workbook of the business metrics (monitoring.bicep, bicep/workbooks; docs/analytics.md#business-metrics).</summary>
public sealed class BusinessMetricsWorkbookTests
{
    private static ArmTemplate Monitoring => ArmTemplate.Main.ModuleTemplate("monitoring");

    [Fact]
    public void The_workbook_deploys_with_the_apps_application_insights_as_its_source()
    {
        var workbook = Monitoring.SingleResourceOfType("Microsoft.Insights/workbooks");

        ((string)workbook["kind"]!).ShouldBe("shared");
        var source = (string)workbook["properties"]!["sourceId"]!;
        source.ShouldContain("Microsoft.Insights/components");
        source.ShouldContain("applicationInsightsName");
        ((string)workbook["name"]!).ShouldStartWith("[guid(");
    }

    [Fact]
    public void The_workbook_charts_every_business_counter_next_to_requests_failures_and_dependencies()
    {
        // Bicep inlines the loaded file as a template variable.
        var serialized = (string)Monitoring.Resolve(Monitoring.SingleResourceOfType("Microsoft.Insights/workbooks")["properties"]!["serializedData"])!;
        var workbook = JsonNode.Parse(serialized)!;
        ((string)workbook["version"]!).ShouldBe("Notebook/1.0");
        var queries = workbook["items"]!.AsArray().Select(i => (string?)i!["content"]!["query"]).OfType<string>().ToList();

        foreach (var counter in new[] { "shop.orders.placed", "shop.orders.paid", "shop.revenue", "shop.checkouts.started", "shop.checkouts.failed" })
            queries.ShouldContain(q => q.Contains($"'{counter}'", StringComparison.Ordinal), $"no chart of {counter}");
        queries.ShouldContain(q => q.StartsWith("requests", StringComparison.Ordinal));
        queries.ShouldContain(q => q.StartsWith("dependencies", StringComparison.Ordinal));
        queries.ShouldContain(q => q.Contains("customDimensions['currency']", StringComparison.Ordinal), "revenue is split by currency");
    }
}
