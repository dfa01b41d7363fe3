using System.Collections.Concurrent;
using System.Text.Json;
using Scriban;
using Scriban.Runtime;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Storefront;

/// <summary>
/// Renders the storefront's pages with the Scriban templates in Templates/ (embedded in this assembly): the page's own
/// template first, then the layout with the head, navigation and breadcrumbs around it. Templates escape every value
/// with html.escape; the only raw HTML is the product description (sanitised when it was saved, RichText) and the
/// JSON-LD, written by the shop's JSON serializer, which escapes &lt; and &gt; so it cannot close its script element.
/// </summary>
public sealed class ScribanPageRenderer : IStorefrontPageRenderer
{
    private static readonly ConcurrentDictionary<string, Template> Templates = new(StringComparer.Ordinal);

    public string Render(StorefrontPage page)
    {
        var (name, model) = page switch
        {
            HomePage home => ("home", (object)home),
            ListingPage listing => ("listing", listing),
            ProductPage product => ("product", product),
            CartPage cart => ("cart", cart),
            _ => throw new ArgumentOutOfRangeException(nameof(page), page.GetType().Name, "No template renders this page."),
        };
        var body = RenderTemplate(name, model, page, null);
        return RenderTemplate("layout", page, page, body);
    }

    private static string RenderTemplate(string name, object model, StorefrontPage page, string? body)
    {
        var globals = new ScriptObject();
        globals.Import(model);
        globals["site"] = page.Site;
        globals["home_url"] = page.Site.UrlOf(StorefrontPaths.Home).ToString();
        globals["cart_url"] = page.Site.UrlOf(StorefrontPaths.Cart).ToString();
        globals["json_ld"] = page.Head.StructuredData.Select(d => JsonSerializer.Serialize(d, ShopJson.Options)).ToList();
        globals["has_breadcrumbs"] = page.Breadcrumbs.Count > 0;
        // What the analytics beacon reports the page as (docs/analytics.md#clickstream); a product page names its product.
        globals["page_type"] = page switch { HomePage => "home", ListingPage => "category", ProductPage => "product", CartPage => "cart", _ => "other" };
        globals["page_product_id"] = page is ProductPage shown ? shown.Product.Id : "";
        if (page is HomePage home) globals["has_collections"] = home.Collections.Count > 0;
        if (body is not null) globals["body"] = body;
        if (model is HomePage or ListingPage)
            globals["include_cards"] = RenderCards(model is HomePage h ? h.Products : ((ListingPage)model).Products);
        var context = new TemplateContext { StrictVariables = true };
        context.PushGlobal(globals);
        return Load(name).Render(context);
    }

    private static string RenderCards(IReadOnlyList<ProductCard> products)
    {
        var globals = new ScriptObject { ["products"] = products, ["has_products"] = products.Count > 0 };
        var context = new TemplateContext { StrictVariables = true };
        context.PushGlobal(globals);
        return Load("cards").Render(context);
    }

    private static Template Load(string name) => Templates.GetOrAdd(name, n =>
    {
        using var stream = typeof(ScribanPageRenderer).Assembly.GetManifestResourceStream($"Storefront.Templates.{n}.html")
            ?? throw new InvalidOperationException($"The storefront template {n}.html is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        var template = Template.Parse(reader.ReadToEnd(), n + ".html");
        return template.HasErrors
            ? throw new InvalidOperationException($"The storefront template {n}.html does not parse: {string.Join("; ", template.Messages)}")
            : template;
    });
}
