using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// docs/deployment.md and docs/configuration.md name exactly the Cosmos DB containers, storage queues, app settings and
/// Key Vault secrets that the compiled template creates and the code uses: one added to either side without the other
/// fails here, so the docs cannot drift from the deployment.
/// </summary>
public sealed partial class DocsMatchTemplateTests
{
    private const string Configuration = "docs/configuration.md";
    private const string Deployment = "docs/deployment.md";

    private static ArmTemplate Main => ArmTemplate.Main;

    // ---- Cosmos DB containers ----------------------------------------------------------------------------------------

    private static List<(string Name, string PartitionKey, int? Ttl)> TemplateContainers() =>
        Main.ModuleParameter("cosmos", "containers")!.AsArray()
            .Select(c => ((string)c!["name"]!, (string)c["partitionKeyPath"]!, (int?)c["defaultTtl"]))
            .ToList();

    [Fact]
    public void The_code_uses_exactly_the_containers_the_template_creates()
    {
        ShopContainers.Definitions.Select(d => (d.Name, d.PartitionKey, d.DefaultTtlSeconds))
            .ShouldBe(TemplateContainers(), ignoreOrder: true);
    }

    [Fact]
    public void Configuration_lists_exactly_the_containers_with_their_partition_keys()
    {
        var table = MarkdownTable.Find(Configuration, "Data", "container");

        table.Rows.Select(r => (Single(r[0]), Single(r[1])))
            .ShouldBe(TemplateContainers().Select(c => (c.Name, c.PartitionKey)), ignoreOrder: true);
    }

    [Fact]
    public void Deployment_lists_exactly_the_containers_with_their_partition_keys()
    {
        var row = CreatedRow("Cosmos DB for NoSQL");

        ContainerWithKey().Matches(row[2]).Select(m => (m.Groups[1].Value, m.Groups[2].Value))
            .ShouldBe(TemplateContainers().Select(c => (c.Name, c.PartitionKey)), ignoreOrder: true);
    }

    // ---- Storage queues ----------------------------------------------------------------------------------------------

    private static List<string> TemplateQueues() => Main.Variable("appQueues")!.AsArray().Select(q => (string)q!).ToList();

    [Fact]
    public void The_code_uses_exactly_the_queues_the_template_creates()
    {
        var workQueues = typeof(WorkQueues).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

        workQueues.ShouldBe(TemplateQueues(), ignoreOrder: true);
    }

    [Fact]
    public void Configuration_lists_the_queues_in_azure_and_the_local_only_one()
    {
        var table = MarkdownTable.Find(Configuration, "Data", "queue");

        table.Rows.Where(r => r[1] == "yes").Select(r => Single(r[0])).ShouldBe(TemplateQueues(), ignoreOrder: true);
        table.Rows.Where(r => r[1] != "yes").Select(r => (Single(r[0]), r[1]))
            .ShouldBe([(LocalQueueIntegrationEvents.QueueName, "no: local only"), (Infrastructure.Analytics.Clickstream.LocalQueueClickstreamSink.QueueName, "no: local only")], ignoreOrder: true);
    }

    [Fact]
    public void Deployment_lists_exactly_the_queues_the_template_creates()
    {
        var row = CreatedRow("Host storage account");
        var queues = QueueList().Match(row[2]);
        queues.Success.ShouldBeTrue("the host storage row names its queues as: queues `a`, `b` and their `-poison` queues");

        MarkdownTable.CodeSpans(queues.Groups[1].Value).ShouldBe(TemplateQueues(), ignoreOrder: true);
    }

    // ---- App settings ------------------------------------------------------------------------------------------------

    /// <summary>The app settings of the template, as the docs write them (':' for '__').</summary>
    private static List<string> TemplateSettings() =>
        MainTemplateTests.AppSettings().Keys.Select(k => k.Replace("__", ":", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Deployment_lists_exactly_the_app_settings_of_the_template()
    {
        var table = MarkdownTable.Find(Deployment, "App settings", "app setting");

        table.Rows.SelectMany(r => MarkdownTable.SettingNames(r[0])).ShouldBe(TemplateSettings(), ignoreOrder: true);
    }

    [Fact]
    public void Configuration_says_bicep_sets_exactly_the_app_settings_of_the_template()
    {
        // The tables with an "Azure (set by Bicep)" column: a row set there must be in the template, and a row
        // "not set" or "never set" must not be.
        var setInAzure = new List<string>();
        var notSetInAzure = new List<string>();
        foreach (var table in MarkdownTable.In(Configuration).Where(t => t.Header[^1] == "Azure (set by Bicep)"))
        {
            foreach (var row in table.Rows)
            {
                var azure = row[^1];
                var names = MarkdownTable.SettingNames(row[0]);
                names.ShouldNotBeEmpty($"a row of {Configuration} names no setting: {string.Join(" | ", row)}");
                (azure.StartsWith("not set", StringComparison.Ordinal) || azure.StartsWith("never set", StringComparison.Ordinal) ? notSetInAzure : setInAzure).AddRange(names);
            }
        }

        setInAzure.ShouldBe(TemplateSettings(), ignoreOrder: true);
        notSetInAzure.Intersect(TemplateSettings()).ShouldBeEmpty();
    }

    // ---- Key Vault secrets -------------------------------------------------------------------------------------------

    /// <summary>Secret name by the app setting that refers to it, from every Key Vault reference in the app settings.</summary>
    private static Dictionary<string, string> TemplateSecrets() =>
        MainTemplateTests.AppSettings()
            .Select(s => (Setting: s.Key.Replace("__", ":", StringComparison.Ordinal), Match: SecretReference().Match(s.Value)))
            .Where(s => s.Match.Success)
            .ToDictionary(s => (string)Main.Variable(s.Match.Groups[1].Value)!, s => s.Setting);

    [Fact]
    public void Deployment_lists_exactly_the_key_vault_secrets_the_app_settings_refer_to()
    {
        var table = MarkdownTable.Find(Deployment, "Key Vault secrets", "secret");

        var documented = table.Rows.ToDictionary(r => Single(r[0]), r => Single(r[1]));

        TemplateSecrets().Count.ShouldBeGreaterThanOrEqualTo(6);
        documented.ShouldBe(TemplateSecrets(), ignoreOrder: true);
    }

    [Fact]
    public void Configuration_names_every_key_vault_secret()
    {
        var text = File.ReadAllText(Repository.PathOf(Configuration));

        foreach (var secret in TemplateSecrets().Keys) text.ShouldContain($"`{secret}`", customMessage: $"{Configuration} does not name the secret {secret}");
    }

    // ---- azd environment values ------------------------------------------------------------------------------------

    [Fact]
    public void Deployment_maps_every_azd_environment_value_to_its_parameter_as_the_parameters_file_does()
    {
        var file = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Repository.PathOf("bicep/main.parameters.json")))!["parameters"]!.AsObject()
            .Select(p => (Environment: EnvironmentValue().Match((string)p.Value!["value"]!).Groups[1].Value, Parameter: p.Key))
            .ToList();

        // A row names environment values in its first cell and, in the same order, their parameters in the second.
        var documented = new List<(string Environment, string Parameter)>();
        foreach (var row in MarkdownTable.Find(Deployment, "Deploy", "azd environment value").Rows)
        {
            var values = MarkdownTable.CodeSpans(row[0]);
            var parameters = MarkdownTable.CodeSpans(row[1]).Where(Main.Parameters.ContainsKey).ToList();
            parameters.Count.ShouldBe(values.Count, $"row '{row[0]}' names {values.Count} values and {parameters.Count} parameters");
            documented.AddRange(values.Zip(parameters));
        }

        documented.ShouldBe(file, ignoreOrder: true);
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------------

    /// <summary>The row of deployment.md's "What gets created" table for a resource.</summary>
    private static IReadOnlyList<string> CreatedRow(string resource) =>
        MarkdownTable.Find(Deployment, "What gets created", "resource").Rows.Single(r => r[0].StartsWith(resource, StringComparison.Ordinal));

    private static string Single(string cell)
    {
        var spans = MarkdownTable.CodeSpans(cell);
        spans.Count.ShouldBe(1, $"expected one `name` in the cell '{cell}'");
        return spans[0];
    }

    [GeneratedRegex(@"^\$\{([A-Z_]+)")]
    private static partial Regex EnvironmentValue();

    [GeneratedRegex(@"`([a-z][a-z0-9-]*)` \(`(/[A-Za-z]+)`")]
    private static partial Regex ContainerWithKey();

    [GeneratedRegex(@"queues ((?:`[a-z0-9-]+`(?:, | and )?)+) and their `-poison` queues")]
    private static partial Regex QueueList();

    [GeneratedRegex(@"^\[(?:if\([^,]+, )?format\('@Microsoft\.KeyVault\(SecretUri=\{0\}secrets/\{1\}\)', reference\('keyVault'\)\.outputs\.uri\.value, variables\('(\w+)'\)\)")]
    private static partial Regex SecretReference();
}
