using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// Read-only view of a compiled ARM template (and of the module templates nested in it). It evaluates nothing but
/// plain <c>[variables('x')]</c> references: the assertions look at literal values and at which expression feeds what.
/// </summary>
internal sealed partial class ArmTemplate
{
    private static readonly Lazy<ArmTemplate> CompiledMain = new(() =>
    {
        var result = BicepCli.Build(Repository.PathOf("bicep/main.bicep"));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep/main.bicep does not build: {result}");
        }

        return new ArmTemplate(JsonNode.Parse(result.StandardOutput)!.AsObject());
    });

    private ArmTemplate(JsonObject root) => Root = root;

    /// <summary>bicep/main.bicep compiled once for all tests.</summary>
    public static ArmTemplate Main => CompiledMain.Value;

    public JsonObject Root { get; }

    public string Text => Json(Root);

    public JsonObject Parameters => Root["parameters"]?.AsObject() ?? [];

    public JsonObject Outputs => Root["outputs"]?.AsObject() ?? [];

    /// <summary>Resources whether the template keeps them as an array or, with symbolic names, as an object.</summary>
    public IEnumerable<JsonObject> Resources => Root["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()),
        JsonObject byName => byName.Select(pair => pair.Value!.AsObject()),
        _ => [],
    };

    public IEnumerable<JsonObject> ResourcesOfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject SingleResourceOfType(string type)
    {
        var matches = ResourcesOfType(type).ToList();
        matches.Count.ShouldBe(1, $"expected exactly one {type}");
        return matches[0];
    }

    /// <summary>The deployment of the module named <paramref name="deploymentName"/> (its `name:` in Bicep).</summary>
    public JsonObject Module(string deploymentName) =>
        ResourcesOfType("Microsoft.Resources/deployments").SingleOrDefault(r => (string?)r["name"] == deploymentName)
        ?? throw new InvalidOperationException($"No module deployment named '{deploymentName}'.");

    public ArmTemplate ModuleTemplate(string deploymentName) =>
        new(Module(deploymentName)["properties"]!["template"]!.AsObject());

    /// <summary>The value main passes to a module parameter, with variable references resolved.</summary>
    public JsonNode? ModuleParameter(string deploymentName, string parameter) =>
        Resolve(Module(deploymentName)["properties"]!["parameters"]![parameter]?["value"]);

    public JsonNode? Variable(string name) => Resolve(Root["variables"]?[name]);

    /// <summary>Replaces a bare <c>[variables('x')]</c> with the variable's value; anything else is returned as is.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        if (node is JsonValue value && value.TryGetValue(out string? text))
        {
            var match = VariableReference().Match(text);
            if (match.Success)
            {
                return Variable(match.Groups[1].Value);
            }
        }

        return node;
    }

    /// <summary>This template and every template nested in it, depth first.</summary>
    public IEnumerable<ArmTemplate> SelfAndNested()
    {
        yield return this;
        foreach (var deployment in ResourcesOfType("Microsoft.Resources/deployments"))
        {
            if (deployment["properties"]?["template"] is JsonObject nested)
            {
                foreach (var template in new ArmTemplate(nested).SelfAndNested())
                {
                    yield return template;
                }
            }
        }
    }

    /// <summary>JSON text as the template has it: without escaping quotes to \u0027, so expressions read as written.</summary>
    public static string Json(JsonNode? node) => node?.ToJsonString(Unescaped) ?? "null";

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();
}
