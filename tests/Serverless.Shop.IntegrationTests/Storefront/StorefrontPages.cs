using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Serverless.Shop.IntegrationTests.Storefront;

/// <summary>Reading storefront pages over HTTP as a crawler does: the parsed document, its head tags and its JSON-LD.</summary>
public sealed record StorefrontPage(HttpResponseMessage Response, IHtmlDocument Document)
{
    public static async Task<StorefrontPage> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        return new StorefrontPage(response, new HtmlParser().ParseDocument(html));
    }

    public string Title => Document.Title ?? "";

    public string? Meta(string name) => Document.QuerySelector($"meta[name='{name}']")?.GetAttribute("content");

    public string? Property(string property) => Document.QuerySelector($"meta[property='{property}']")?.GetAttribute("content");

    public string? Canonical => Document.QuerySelector("link[rel='canonical']")?.GetAttribute("href");

    public IReadOnlyList<JsonElement> StructuredData => Document.QuerySelectorAll("script[type='application/ld+json']")
        .Select(s => JsonDocument.Parse(s.TextContent).RootElement.Clone()).ToList();

    public JsonElement StructuredDataOf(string type) => StructuredData.Single(d => d.GetProperty("@type").GetString() == type);
}
