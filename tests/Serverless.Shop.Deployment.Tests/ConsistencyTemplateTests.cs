using System.Xml;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// What the template must set for the app's exactly-once and consistency claims to hold in Azure: the topic drops
/// a repeated publish, and every instance writes Cosmos DB in one region.
/// </summary>
public sealed class ConsistencyTemplateTests
{
    private static ArmTemplate Main => ArmTemplate.Main;

    [Fact]
    public void Every_topic_drops_duplicate_publishes_within_a_window_of_at_least_an_hour()
    {
        var serviceBus = Main.ModuleTemplate("servicebus");
        var topics = serviceBus.SingleResourceOfType("Microsoft.ServiceBus/namespaces/topics");
        var properties = topics["properties"]!;

        ((bool)properties["requiresDuplicateDetection"]!).ShouldBeTrue();
        ((string)properties["duplicateDetectionHistoryTimeWindow"]!).ShouldBe("[parameters('duplicateDetectionWindow')]");

        // Main passes no window, so the module's default applies: it must cover the queue's retries and a replay.
        Main.Module("servicebus")["properties"]!["parameters"]!.AsObject().ContainsKey("duplicateDetectionWindow").ShouldBeFalse();
        var window = XmlConvert.ToTimeSpan((string)serviceBus.Parameters["duplicateDetectionWindow"]!["defaultValue"]!);
        window.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromHours(1));
        // The service's upper bound on Standard: a longer window is refused at deployment.
        window.ShouldBeLessThanOrEqualTo(TimeSpan.FromDays(7));
        ((string)Main.ModuleParameter("servicebus", "topicNames")!.AsArray().Single()!).ShouldBe("[variables('eventsTopic')]");
    }

    [Fact]
    public void The_app_writes_cosmos_in_the_primary_region_that_the_account_lists_first()
    {
        var settings = MainTemplateTests.AppSettings();

        settings["Cosmos__ApplicationRegion"].ShouldBe("[parameters('location')]");
        // The same parameter is the account's failover priority 0; the secondary is the failover.
        ((string)Main.ModuleParameter("cosmos", "location")!).ShouldBe("[parameters('location')]");
        var locations = Main.ModuleTemplate("cosmos").SingleResourceOfType("Microsoft.DocumentDB/databaseAccounts")["properties"]!["locations"]!.AsArray();
        ((string)locations.Single(l => (int)l!["failoverPriority"]! == 0)!["locationName"]!).ShouldBe("[parameters('location')]");
        ((bool)Main.ModuleTemplate("cosmos").SingleResourceOfType("Microsoft.DocumentDB/databaseAccounts")["properties"]!["enableAutomaticFailover"]!).ShouldBeTrue();
    }
}
