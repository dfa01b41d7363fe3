using System.Text.Json.Nodes;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>azure.yaml and main.parameters.json: what `azd up` reads before it ever calls Azure.</summary>
public sealed class AzdTemplateTests
{
    [Fact]
    public void Azure_yaml_deploys_the_functions_project_as_the_api_function_service()
    {
        var yaml = SimpleYaml.Parse(File.ReadAllText(Repository.PathOf("azure.yaml")));

        yaml.Scalar("name").ShouldBe("serverless-shop");
        yaml.Scalar("infra", "provider").ShouldBe("bicep");
        yaml.Scalar("infra", "path").ShouldBe("bicep");
        yaml.Scalar("services", "api", "host").ShouldBe("function");
        yaml.Scalar("services", "api", "language").ShouldBe("dotnet");

        var project = yaml.Scalar("services", "api", "project")!;
        project.ShouldBe("./functions/Serverless.Shop.Functions");
        Directory.EnumerateFiles(Repository.PathOf(project), "*.csproj").ShouldNotBeEmpty();
        File.Exists(Path.Combine(Repository.PathOf(yaml.Scalar("infra", "path")!), "main.bicep")).ShouldBeTrue();
    }

    [Fact]
    public void The_function_app_is_tagged_with_the_service_name_azure_yaml_uses()
    {
        var yaml = SimpleYaml.Parse(File.ReadAllText(Repository.PathOf("azure.yaml")));
        var serviceName = yaml.Children("services").Single();

        ((string)ArmTemplate.Main.ModuleParameter("functionapp", "azdServiceName")!).ShouldBe(serviceName);
    }

    [Fact]
    public void Parameters_file_supplies_every_required_parameter_from_the_azd_environment()
    {
        var file = JsonNode.Parse(File.ReadAllText(Repository.PathOf("bicep/main.parameters.json")))!["parameters"]!.AsObject();
        var declared = ArmTemplate.Main.Parameters;

        foreach (var (name, _) in file)
        {
            declared.ContainsKey(name).ShouldBeTrue($"main.parameters.json sets '{name}', which main.bicep does not declare");
        }

        foreach (var (name, parameter) in declared)
        {
            if (parameter!["defaultValue"] is null)
            {
                file.ContainsKey(name).ShouldBeTrue($"required parameter '{name}' is missing from main.parameters.json");
            }
        }

        // Values come from the azd environment, never typed into the file.
        foreach (var (name, parameter) in file)
        {
            ((string)parameter!["value"]!).ShouldStartWith("${", customMessage: $"parameter {name}");
        }

        ((string)file["environmentName"]!["value"]!).ShouldBe("${AZURE_ENV_NAME}");
        ((string)file["location"]!["value"]!).ShouldBe("${AZURE_LOCATION}");
        ((string)file["principalId"]!["value"]!).ShouldBe("${AZURE_PRINCIPAL_ID}");
    }

    [Fact]
    public void Main_targets_the_subscription_so_azd_creates_the_resource_group()
    {
        ((string)ArmTemplate.Main.Root["$schema"]!).ShouldContain("subscriptionDeploymentTemplate");
        ArmTemplate.Main.ResourcesOfType("Microsoft.Resources/resourceGroups").ShouldHaveSingleItem();
    }
}
