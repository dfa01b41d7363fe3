using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Functions.Administration;

/// <summary>One HTTP function as the OpenAPI document and the local host see it.</summary>
public sealed record HttpFunctionInfo(string Name, string Route, IReadOnlyList<string> Methods, MethodInfo Method)
{
    /// <summary>Every [Function] with an HTTP trigger in the app, read from the same attributes the Functions SDK reads.</summary>
    public static IReadOnlyList<HttpFunctionInfo> Discover(Assembly assembly) =>
        assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(),
                Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => new HttpFunctionInfo(x.Function!.Name, x.Trigger!.Route ?? x.Function.Name,
                (x.Trigger.Methods ?? ["get", "post"]).Select(v => v.ToLowerInvariant()).ToList(), x.Method))
            .OrderBy(f => f.Route, StringComparer.Ordinal).ToList();
}

/// <summary>
/// Builds the OpenAPI 3.1 document of every HTTP function from the functions themselves (routes, verbs, access rules,
/// [ApiDoc]) and JSON schemas from the request and response types with the shop's JSON options, so it cannot drift.
/// </summary>
public static partial class OpenApiDocument
{
    public static JsonObject Build(IReadOnlyList<HttpFunctionInfo> functions, string serverUrl)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var group in functions.GroupBy(f => "/" + RouteConstraint().Replace(f.Route, "{$1}")))
        {
            var item = new JsonObject();
            foreach (var f in group)
                foreach (var verb in f.Methods)
                    item[verb] = Operation(f, schemas);
            paths[group.Key] = item;
        }
        schemas["Problem"] = Schema(typeof(Problem));
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Serverless.Shop API",
                ["version"] = typeof(OpenApiDocument).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
                ["description"] = "The commerce API of Serverless.Shop. Errors are RFC 9457 problem details. Creating POSTs accept an Idempotency-Key; updates need If-Match.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = serverUrl }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject { ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" } },
            },
        };
    }

    private static JsonObject Operation(HttpFunctionInfo f, JsonObject schemas)
    {
        var doc = f.Method.GetCustomAttribute<ApiDocAttribute>();
        var access = f.Method.GetCustomAttributes().OfType<IEndpointAccess>().FirstOrDefault();
        var roles = access?.Roles ?? [];
        var parameters = new JsonArray();
        foreach (Match m in RouteConstraint().Matches(f.Route))
            parameters.Add(new JsonObject { ["name"] = m.Groups[1].Value, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        foreach (var q in doc?.Query ?? [])
        {
            var parts = q.Split(':', 2);
            parameters.Add(new JsonObject { ["name"] = parts[0].Trim(), ["in"] = "query", ["description"] = parts.ElementAtOrDefault(1)?.Trim(), ["schema"] = new JsonObject { ["type"] = "string" } });
        }
        if (f.Methods.Contains("post"))
            parameters.Add(new JsonObject { ["name"] = "Idempotency-Key", ["in"] = "header", ["description"] = "Makes a retry return the first result.", ["schema"] = new JsonObject { ["type"] = "string" } });
        if (f.Methods.Contains("put"))
            parameters.Add(new JsonObject { ["name"] = "If-Match", ["in"] = "header", ["required"] = true, ["description"] = "The ETag the change is based on.", ["schema"] = new JsonObject { ["type"] = "string" } });

        var success = doc?.SuccessStatus ?? 200;
        var responses = new JsonObject
        {
            [success.ToString(System.Globalization.CultureInfo.InvariantCulture)] = doc?.Response is { } response
                ? new JsonObject { ["description"] = "Success", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(response, schemas) } } }
                : new JsonObject { ["description"] = "Success" },
            ["default"] = new JsonObject
            {
                ["description"] = "A problem (RFC 9457)",
                ["content"] = new JsonObject { [Problems.ContentType] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } },
            },
        };
        var operation = new JsonObject
        {
            ["operationId"] = f.Name,
            ["tags"] = new JsonArray(doc?.Tag ?? "Other"),
            ["summary"] = doc?.Summary ?? f.Name,
            ["description"] = roles.Count == 0 ? "Public." : $"Roles: {string.Join(", ", roles)}.",
            ["parameters"] = parameters,
            ["responses"] = responses,
        };
        if (roles.Count > 0) operation["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
        if (doc?.Request is { } request)
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject
                {
                    [doc.RequestContentType] = new JsonObject { ["schema"] = request == typeof(byte[]) ? new JsonObject { ["type"] = "string", ["format"] = "binary" } : Reference(request, schemas) },
                },
            };
        return operation;
    }

    private static JsonNode Reference(Type type, JsonObject schemas)
    {
        var name = SchemaName(type);
        if (!schemas.ContainsKey(name)) schemas[name] = Schema(type);
        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }

    private static JsonNode Schema(Type type) => ShopJson.Options.GetJsonSchemaAsNode(type);

    private static string SchemaName(Type type) => type.IsGenericType
        ? type.Name.Split('`')[0] + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaName))
        : type.Name;

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\}")]
    private static partial Regex RouteConstraint();
}
