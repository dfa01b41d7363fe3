using System.Text.Json.Nodes;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>The local host's Durable backend takes its hub and polling from host.json, as the Functions host does in Azure.</summary>
public sealed class HostJsonDurableSettingsTests
{
    [Fact]
    public void The_repository_host_json_durable_settings_are_the_ones_the_local_host_uses()
    {
        var path = Path.Combine(RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory), "host.json");
        var durable = JsonNode.Parse(File.ReadAllText(path))!["extensions"]!["durableTask"]!;

        var settings = HostJson.Load(path).DurableTask;

        settings.HubName.ShouldBe(durable["hubName"]!.GetValue<string>());
        settings.MaxQueuePollingInterval.ShouldBe(TimeSpan.Parse(durable["storageProvider"]!["maxQueuePollingInterval"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        // Far below the provider's 30 s default: a webhook's event or a timer coming due is seen within seconds.
        settings.MaxQueuePollingInterval.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Without_a_durableTask_section_the_provider_defaults_apply()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "version": "2.0" }""");

            var settings = HostJson.Load(path).DurableTask;

            settings.ShouldBe(new DurableTaskSettings("TestHubName", MaxQueuePollingInterval: TimeSpan.FromSeconds(30)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
