using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Serverless.Shop.Functions.Http;

/// <summary>Runs <see cref="HttpPipeline"/> around HTTP functions in the Azure Functions worker (ASP.NET Core integration).</summary>
public sealed class HttpPipelineMiddleware(HttpPipeline pipeline) : IFunctionsWorkerMiddleware
{
    private static readonly ConcurrentDictionary<string, MethodInfo> EntryPoints = new();

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }
        var method = EntryPoints.GetOrAdd(context.FunctionDefinition.EntryPoint, Resolve);
        var result = await pipeline.RunAsync(http, method, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value as IActionResult;
        });
        context.GetInvocationResult().Value = result;
    }

    // EntryPoint is "Namespace.Type.Method", as in functions.metadata.
    private static MethodInfo Resolve(string entryPoint)
    {
        var split = entryPoint.LastIndexOf('.');
        var type = typeof(HttpPipelineMiddleware).Assembly.GetType(entryPoint[..split], throwOnError: true)!;
        return type.GetMethod(entryPoint[(split + 1)..]) ?? throw new InvalidOperationException($"No method for {entryPoint}.");
    }
}
