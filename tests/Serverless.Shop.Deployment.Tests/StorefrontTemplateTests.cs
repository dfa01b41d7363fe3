namespace Serverless.Shop.Deployment.Tests;

/// <summary>The storefront behind Front Door (cdn-storefront.bicep): its public paths, its caching, and the purge permission.</summary>
public sealed class StorefrontTemplateTests
{
    private static ArmTemplate Module => ArmTemplate.Main.ModuleTemplate("cdn-storefront");

    private static System.Text.Json.Nodes.JsonObject Route(string name) =>
        Module.ResourcesOfType("Microsoft.Cdn/profiles/afdEndpoints/routes").Single(r => ((string)r["name"]!).Contains($"'{name}'", StringComparison.Ordinal));

    [Fact]
    public void The_storefronts_public_paths_go_to_the_apps_pages_cached_once_whatever_the_query_string()
    {
        var pages = Route("storefront-pages")["properties"]!;

        ((string)pages["originPath"]!).ShouldBe("/api/storefront");
        pages["patternsToMatch"]!.AsArray().Select(p => (string)p!).ShouldBe(
            ["/", "/products/*", "/categories/*", "/collections/*", "/cart", "/sitemap.xml", "/sitemaps/*", "/robots.txt"], ignoreOrder: true);
        ((string)pages["cacheConfiguration"]!["queryStringCachingBehavior"]!).ShouldBe("IgnoreQueryString");
    }

    [Fact]
    public void The_api_is_on_the_same_endpoint_and_never_cached()
    {
        var api = Route("storefront-api")["properties"]!;

        api["patternsToMatch"]!.AsArray().Select(p => (string)p!).ShouldBe(["/api/*"]);
        api["cacheConfiguration"].ShouldBeNull();
        api["originPath"].ShouldBeNull();
    }

    [Fact]
    public void The_apps_identity_may_purge_the_profile_and_nothing_more()
    {
        var assignment = Module.ResourcesOfType("Microsoft.Authorization/roleAssignments").ShouldHaveSingleItem();

        // CDN Profile Contributor, scoped to the profile.
        ((string)assignment["properties"]!["roleDefinitionId"]!).ShouldContain("variables('cdnProfileContributor')");
        ((string)Module.Variable("cdnProfileContributor")!).ShouldBe("ec156ff8-a8d1-4d15-830c-5b80698ca432");
        ((string)assignment["scope"]!).ShouldContain("Microsoft.Cdn/profiles");
        ((string)ArmTemplate.Main.ModuleParameter("cdn-storefront", "appPrincipalId")!).ShouldContain("reference('identity')");
    }
}
