using System.Text.Json.Nodes;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// The clickstream's Azure resources (bicep/modules/clickstream.bicep) as the app relies on them: a keyless hub with
/// Capture writing Avro in the default layout to the data lake's analytics-raw container (what BlobClickstreamArchive
/// reads), the lifecycle rule that expires raw files, and the roles and settings that connect the app to both.
/// </summary>
public sealed class ClickstreamTemplateTests
{
    private static ArmTemplate Module => ArmTemplate.Main.ModuleTemplate("clickstream");

    private static JsonNode Hub => Module.SingleResourceOfType("Microsoft.EventHub/namespaces/eventhubs")["properties"]!;

    [Fact]
    public void The_hub_captures_every_event_as_avro_in_the_default_layout_to_the_raw_container_with_the_namespaces_identity()
    {
        var capture = Hub["captureDescription"]!;
        ((bool)capture["enabled"]!).ShouldBeTrue();
        ((string)capture["encoding"]!).ShouldBe("Avro");
        var destination = capture["destination"]!;
        ((string)destination["name"]!).ShouldBe("EventHubArchive.AzureBlockBlob");
        ((string)destination["identity"]!["type"]!).ShouldBe("SystemAssigned");
        // The layout EventHubsCaptureFormat.BlobName writes locally and BlobClickstreamArchive walks.
        ((string)destination["properties"]!["archiveNameFormat"]!).ShouldBe("{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}");
        ((string)destination["properties"]!["blobContainer"]!).ShouldBe("[parameters('rawContainerName')]");
        ((string)Module.Parameters["rawContainerName"]!["defaultValue"]!).ShouldBe(Infrastructure.Analytics.Clickstream.BlobClickstreamArchive.ContainerName);
        ((string)destination["properties"]!["storageAccountResourceId"]!).ShouldContain("dataLakeAccountName");
    }

    [Fact]
    public void The_namespace_is_standard_keyless_and_may_write_to_the_data_lake_before_the_hub_exists()
    {
        var ns = Module.SingleResourceOfType("Microsoft.EventHub/namespaces");
        ((string)ns["sku"]!["name"]!).ShouldBe("Standard");
        ((bool)ns["properties"]!["disableLocalAuth"]!).ShouldBeTrue();
        ((string)ns["identity"]!["type"]!).ShouldBe("SystemAssigned");

        var writer = RoleAssignment("captureWriter");
        ((string)writer["properties"]!["principalId"]!).ShouldContain("identity.principalId");
        ((string)writer["properties"]!["roleDefinitionId"]!).ShouldContain("variables('storageBlobDataContributor')");
        ((string)Module.Variable("storageBlobDataContributor")!).ShouldBe("ba92f5b4-2d11-453d-a403-e96b0029c9fe");
        ArmTemplate.Json(Module.SingleResourceOfType("Microsoft.EventHub/namespaces/eventhubs")["dependsOn"]).ShouldContain("captureWriter");
    }

    [Fact]
    public void The_data_lake_has_a_hierarchical_namespace_no_keys_no_public_access_and_a_private_raw_container()
    {
        var account = Module.SingleResourceOfType("Microsoft.Storage/storageAccounts")["properties"]!;
        ((bool)account["isHnsEnabled"]!).ShouldBeTrue();
        ((bool)account["allowSharedKeyAccess"]!).ShouldBeFalse();
        ((bool)account["allowBlobPublicAccess"]!).ShouldBeFalse();
        ((string)Module.SingleResourceOfType("Microsoft.Storage/storageAccounts/blobServices/containers")["properties"]!["publicAccess"]!).ShouldBe("None");
    }

    [Fact]
    public void Raw_files_expire_by_a_lifecycle_rule_after_the_same_days_the_app_is_told()
    {
        var rule = Module.SingleResourceOfType("Microsoft.Storage/storageAccounts/managementPolicies")["properties"]!["policy"]!["rules"]!.AsArray().ShouldHaveSingleItem()!;
        ((string)rule["definition"]!["filters"]!["prefixMatch"]![0]!).ShouldBe("[format('{0}/', parameters('rawContainerName'))]");
        ((string)rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterCreationGreaterThan"]!).ShouldBe("[parameters('rawRetentionDays')]");

        var days = (int)ArmTemplate.Main.Variable("rawClickstreamRetentionDays")!;
        ((int)ArmTemplate.Main.ModuleParameter("clickstream", "rawRetentionDays")!).ShouldBe(days);
        MainTemplateTests.AppSettings()["Analytics__RawRetentionDays"].ShouldContain("rawClickstreamRetentionDays");
        days.ShouldBe(Domain.Analytics.Clickstream.RawClickstreamRetention.DefaultDays);
    }

    [Fact]
    public void The_app_may_send_to_the_hub_and_read_and_delete_the_capture_files_and_is_told_where_they_are()
    {
        var sender = RoleAssignment("appSender");
        ((string)sender["scope"]!).ShouldContain("Microsoft.EventHub/namespaces/eventhubs");
        ((string)Module.Variable("eventHubsDataSender")!).ShouldBe("2b629674-e913-4c01-ae53-ef4638d8f975"); // Azure Event Hubs Data Sender
        ((string)sender["properties"]!["roleDefinitionId"]!).ShouldContain("variables('eventHubsDataSender')");
        ((string)RoleAssignment("appArchiveReader")["properties"]!["roleDefinitionId"]!).ShouldContain("variables('storageBlobDataContributor')");
        ((string)ArmTemplate.Main.ModuleParameter("clickstream", "appPrincipalId")!).ShouldContain("'identity'");

        var settings = MainTemplateTests.AppSettings();
        settings["Analytics__EventHubs__Namespace"].ShouldContain("fullyQualifiedNamespace");
        settings["Analytics__EventHubs__Name"].ShouldContain("hubName");
        settings["Analytics__RawEvents__BlobServiceUri"].ShouldContain("dataLakeBlobServiceUri");
    }

    private static JsonObject RoleAssignment(string symbolicName) =>
        Module.Root["resources"]![symbolicName]?.AsObject() ?? throw new ShouldAssertException($"no resource {symbolicName} in clickstream.bicep");
}
