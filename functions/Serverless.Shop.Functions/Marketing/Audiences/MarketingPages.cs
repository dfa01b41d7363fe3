using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Audiences;

/// <summary>The few plain HTML pages a person reaches from a marketing email's link (confirm, unsubscribe).</summary>
internal static class MarketingPages
{
    /// <summary>A page with a title and a body; <paramref name="bodyHtml"/> is the caller's markup, any value in it already encoded.</summary>
    public static ApiResult Page(string title, string bodyHtml) => Api.Text("text/html", $$"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
        <title>{{System.Net.WebUtility.HtmlEncode(title)}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1rem}</style></head>
        <body><h1>{{System.Net.WebUtility.HtmlEncode(title)}}</h1>{{bodyHtml}}</body>
        </html>
        """).WithHeader("Cache-Control", "no-store");
}
