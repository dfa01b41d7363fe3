using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>Maps every HTTP function to its route under the route prefix, as `func start` serves it.</summary>
public static class HttpFunctionEndpoints
{
    public static void MapHttpFunctions(this WebApplication app, IEnumerable<LocalFunction> functions, string routePrefix)
    {
        var invoker = new FunctionInvoker(app.Services);
        var pipeline = app.Services.GetRequiredService<HttpPipeline>();
        foreach (var f in functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            app.MapMethods($"/{routePrefix}/{f.Route}", f.HttpMethods, async http =>
            {
                var result = await pipeline.RunAsync(http, f.Method, async () => await invoker.InvokeHttpAsync(f, http) as IActionResult);
                await result.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
            }).WithDisplayName(f.Name);
        }

        // What the Functions host answers for a route no function serves: 404, here as a problem like every other error.
        app.MapFallback(async http =>
        {
            var problem = Problems.Create(http, StatusCodes.Status404NotFound, "no-route", "Not found.", $"No function serves {http.Request.Method} {http.Request.Path}.");
            await problem.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
        });
    }
}
