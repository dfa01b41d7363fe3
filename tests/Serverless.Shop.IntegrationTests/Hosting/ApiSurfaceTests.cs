using System.Net;
using System.Reflection;
using System.Text.Json;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>Security by default and a complete API description, checked over every HTTP function.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class ApiSurfaceTests(LocalShopFixture fixture)
{
    private IEnumerable<LocalFunction> HttpFunctions => fixture.Shop.Functions.Where(f => f.Trigger == TriggerKind.Http);

    [Fact]
    public void Every_http_function_declares_exactly_one_access_rule()
    {
        foreach (var f in HttpFunctions)
            f.Method.GetCustomAttributes().OfType<IEndpointAccess>().Count().ShouldBe(1, f.Name);
    }

    [Fact]
    public void Every_function_that_changes_something_requires_a_role_or_names_what_guards_it()
    {
        foreach (var f in HttpFunctions.Where(f => f.HttpMethods.Any(m => m is not "GET")))
        {
            var guarded = f.Method.GetCustomAttribute<PublicEndpointAttribute>()?.Guard is { Length: > 0 };
            (f.Method.GetCustomAttribute<RequiresRoleAttribute>() is not null || guarded)
                .ShouldBeTrue($"{f.Name} changes state and must require a role (or, public, name its guard)");
        }
    }

    [Theory]
    [InlineData("api/openapi/v3.json")]
    [InlineData("api/swagger.json")]
    public async Task The_openapi_document_describes_every_http_route_and_verb(string url)
    {
        var response = await fixture.Client().GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var doc = await response.JsonAsync();
        doc.GetProperty("openapi").GetString().ShouldStartWith("3.");
        var paths = doc.GetProperty("paths");
        foreach (var f in HttpFunctions)
            foreach (var verb in f.HttpMethods)
            {
                paths.TryGetProperty("/" + f.Route, out var path).ShouldBeTrue($"/{f.Route} missing");
                var operation = path.GetProperty(verb.ToLowerInvariant());
                operation.GetProperty("operationId").GetString().ShouldBe(f.Name);
            }
    }

    [Fact]
    public async Task The_openapi_document_marks_protected_operations_and_describes_request_bodies()
    {
        var doc = await (await fixture.Client().GetAsync("api/openapi/v3.json")).JsonAsync();
        var create = doc.GetProperty("paths").GetProperty("/products").GetProperty("post");
        create.TryGetProperty("security", out _).ShouldBeTrue();
        var schemaRef = create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        var schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(schemaRef.Split('/')[^1]);
        schema.GetProperty("properties").TryGetProperty("variants", out _).ShouldBeTrue();
        doc.GetProperty("paths").GetProperty("/products").GetProperty("get").TryGetProperty("security", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task The_api_browser_page_and_its_assets_are_served_without_internet_access()
    {
        var client = fixture.Client();
        var page = await client.GetAsync("api/swagger/ui");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("swagger-ui-bundle.js");
        html.ShouldContain("/api/openapi/v3.json");
        foreach (var (asset, mustDefine) in new[] { ("swagger-ui-bundle.js", "SwaggerUIBundle"), ("swagger-ui.css", ".swagger-ui"), ("swagger-ui-standalone-preset.js", "SwaggerUIStandalonePreset") })
        {
            var response = await client.GetAsync($"api/swagger/ui/{asset}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, asset);
            (await response.Content.ReadAsStringAsync()).ShouldContain(mustDefine, customMessage: $"{asset} is not readable text");
        }
        (await client.GetAsync("api/swagger/ui/secrets.txt")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_health_endpoint_checks_its_dependencies()
    {
        var response = await fixture.Client().GetAsync("api/health");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.JsonAsync();
        body.GetProperty("status").GetString().ShouldBe("healthy");
        var dependencies = body.GetProperty("dependencies").EnumerateObject().Select(p => p.Name).ToList();
        dependencies.ShouldContain("cosmos");
        dependencies.ShouldContain("blob-storage");
        dependencies.ShouldContain("queues");
        dependencies.ShouldContain("privacy-keys");
        // Locally the customer sign-in simulator is the customer authority, so customer sign-in is configured.
        dependencies.ShouldContain("customer-sign-in");
        // ... and it deletes the accounts an erasure deletes.
        dependencies.ShouldContain("customer-accounts");
    }
}
