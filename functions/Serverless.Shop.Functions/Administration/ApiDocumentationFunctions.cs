using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Administration;

/// <summary>
/// The OpenAPI document and a browsable UI, at the routes users of the Functions OpenAPI extension know. The UI's
/// assets come from the swagger-ui build embedded in Swashbuckle's package, so it works without internet access.
/// </summary>
public sealed class ApiDocumentationFunctions
{
    private static readonly Lazy<IReadOnlyList<HttpFunctionInfo>> Functions = new(() => HttpFunctionInfo.Discover(typeof(ApiDocumentationFunctions).Assembly));
    private static readonly Assembly SwaggerUi = typeof(Swashbuckle.AspNetCore.SwaggerUI.SwaggerUIOptions).Assembly;
    private const string AssetPrefix = "Swashbuckle.AspNetCore.SwaggerUI.node_modules.swagger_ui_dist.";

    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["swagger-ui.css"] = "text/css", ["swagger-ui-bundle.js"] = "text/javascript", ["swagger-ui-standalone-preset.js"] = "text/javascript",
    };

    [Function("OpenApiDocument")]
    [PublicEndpoint]
    [ApiDoc("Documentation", "This API's OpenAPI 3 document")]
    public IActionResult Document([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v3.json")] HttpRequest req) => Serve(req);

    [Function("SwaggerDocument")]
    [PublicEndpoint]
    [ApiDoc("Documentation", "The OpenAPI document at the route of the Functions OpenAPI extension")]
    public IActionResult SwaggerDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "swagger.json")] HttpRequest req) => Serve(req);

    [Function("SwaggerUi")]
    [PublicEndpoint]
    [ApiDoc("Documentation", "Browse and try the API")]
    public IActionResult Ui([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "swagger/ui")] HttpRequest req) => Api.Text("text/html", $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Serverless.Shop API</title>
        <link rel="stylesheet" href="{{req.PathBase}}{{req.Path.Value?.TrimEnd('/')}}/swagger-ui.css"></head>
        <body><div id="swagger-ui"></div>
        <script src="{{req.PathBase}}{{req.Path.Value?.TrimEnd('/')}}/swagger-ui-bundle.js"></script>
        <script src="{{req.PathBase}}{{req.Path.Value?.TrimEnd('/')}}/swagger-ui-standalone-preset.js"></script>
        <script>window.ui = SwaggerUIBundle({ url: "{{req.PathBase}}/api/openapi/v3.json", dom_id: "#swagger-ui", deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout", persistAuthorization: true });</script>
        </body></html>
        """);

    [Function("SwaggerUiAsset")]
    [PublicEndpoint]
    [ApiDoc("Documentation", "Assets of the API browser")]
    public IActionResult UiAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "swagger/ui/{file}")] HttpRequest req, string file)
    {
        if (!Assets.TryGetValue(file, out var contentType)) throw new Domain.Common.ResourceNotFoundException("File", file);
        var text = AssetTexts.GetOrAdd(file, ReadAsset);
        return Api.Text(contentType, text).WithHeader("Cache-Control", "public, max-age=86400");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> AssetTexts = new(StringComparer.Ordinal);

    // Swashbuckle embeds the files gzip-compressed; they are unpacked once and kept.
    private static string ReadAsset(string file)
    {
        using var stream = SwaggerUi.GetManifestResourceStream(AssetPrefix + file) ?? throw new Domain.Common.ResourceNotFoundException("File", file);
        using var buffered = new MemoryStream();
        stream.CopyTo(buffered);
        buffered.Position = 0;
        var gzipped = buffered.Length > 2 && buffered.GetBuffer()[0] == 0x1f && buffered.GetBuffer()[1] == 0x8b;
        using var reader = new StreamReader(gzipped ? new System.IO.Compression.GZipStream(buffered, System.IO.Compression.CompressionMode.Decompress) : buffered);
        return reader.ReadToEnd();
    }

    private static ApiResult Serve(HttpRequest req) =>
        Api.Ok(OpenApiDocument.Build(Functions.Value, $"{req.Scheme}://{req.Host}{req.PathBase}/api"));
}
