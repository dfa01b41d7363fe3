using Microsoft.Extensions.Configuration;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>
/// The local host answers CORS as the platform does in Azure: for the origins in Host:CORS (the fixture allows one
/// storefront), and for nobody else. Same-origin calls need no CORS at all.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CorsTests(LocalShopFixture fixture)
{
    public const string StorefrontOrigin = "https://storefront.example";

    [Fact]
    public async Task A_preflight_from_the_configured_storefront_is_allowed()
    {
        using var client = fixture.Client();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/carts");
        preflight.Headers.Add("Origin", StorefrontOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,authorization,idempotency-key");

        using var response = await client.SendAsync(preflight);

        response.IsSuccessStatusCode.ShouldBeTrue($"preflight answered {(int)response.StatusCode}");
        response.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([StorefrontOrigin]);
        response.Headers.GetValues("Access-Control-Allow-Methods").Single().ShouldContain("POST");
        response.Headers.GetValues("Access-Control-Allow-Headers").Single().ShouldContain("authorization", Case.Insensitive);
        response.Headers.Contains("Access-Control-Allow-Credentials").ShouldBeFalse();
    }

    [Fact]
    public async Task A_call_from_the_configured_storefront_carries_the_allow_origin_header()
    {
        using var client = fixture.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/products");
        request.Headers.Add("Origin", StorefrontOrigin);

        using var response = await client.SendAsync(request);

        response.IsSuccessStatusCode.ShouldBeTrue();
        response.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([StorefrontOrigin]);
    }

    [Fact]
    public async Task Another_origin_gets_no_cors_headers()
    {
        using var client = fixture.Client();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/carts");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await client.SendAsync(preflight);

        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task A_same_origin_call_needs_no_cors()
    {
        using var client = fixture.Client();

        using var response = await client.GetAsync("api/products");

        response.IsSuccessStatusCode.ShouldBeTrue();
        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Theory]
    [InlineData(null, new string[0])]
    [InlineData("", new string[0])]
    [InlineData("https://a.example, https://b.example ,", new[] { "https://a.example", "https://b.example" })]
    public void Origins_are_a_comma_separated_list_and_none_by_default(string? setting, string[] expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [LocalCors.Setting] = setting }).Build();

        LocalCors.AllowedOrigins(configuration).ShouldBe(expected);
    }
}
