using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>
/// The one HTML page of the local simulators (card, wallet, carrier, customer sign-in): a title, the simulator's own
/// style and body, and a footer saying what it stands in for. Only the local host serves these pages.
/// </summary>
internal static class SimulatorPage
{
    private const string BaseStyle = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}";

    public static IResult Html(int status, string title, string body, string style = "", string footer = "") => Results.Content(
        $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{{Encode(title)}}</title>
        <style>{{BaseStyle}} {{style}}</style>
        </head><body><h1>{{Encode(title)}}</h1>
        {{body}}
        {{(footer.Length == 0 ? "" : $"<p><small>{Encode(footer)}</small></p>")}}
        </body></html>
        """, "text/html; charset=utf-8", Encoding.UTF8, status);

    public static string Encode(string text) => WebUtility.HtmlEncode(text);
}
