using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Functions.Administration;

namespace Serverless.Shop.LocalHost.Hosting;

public enum TriggerKind { Http, Queue, Timer, Orchestration, Activity }

/// <summary>One function of the app as the local host runs it. The same facts the Functions SDK writes to functions.metadata.</summary>
public sealed record LocalFunction(string Name, string EntryPoint, TriggerKind Trigger, MethodInfo Method)
{
    public string? Route { get; init; }
    public IReadOnlyList<string> HttpMethods { get; init; } = [];
    public string? QueueName { get; init; }
    public string? QueueConnection { get; init; }
    public string? Schedule { get; init; }
    public bool RunOnStartup { get; init; }
}

/// <summary>
/// Finds every [Function] in the function app's assembly by the attributes the Functions SDK reads. A parameter the
/// local host cannot bind stops it at start-up, so a function is never silently left out.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<LocalFunction> Discover(Assembly functionApp, Func<Type, bool>? include = null)
    {
        // HTTP functions are read the way the OpenAPI document reads them, so the two cannot disagree.
        var httpFunctions = HttpFunctionInfo.Discover(functionApp).ToDictionary(f => f.Method);
        var functions = new List<LocalFunction>();
        foreach (var method in functionApp.GetTypes().Where(include ?? (_ => true)).SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            if (function is null) continue;
            var entryPoint = $"{method.DeclaringType!.FullName}.{method.Name}";
            var parameters = method.GetParameters();
            if (httpFunctions.TryGetValue(method, out var http))
                functions.Add(new LocalFunction(function.Name, entryPoint, TriggerKind.Http, method)
                {
                    Route = http.Route,
                    HttpMethods = http.Methods.Select(m => m.ToUpperInvariant()).ToList(),
                });
            else if (parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } queue)
                functions.Add(new LocalFunction(function.Name, entryPoint, TriggerKind.Queue, method) { QueueName = queue.QueueName, QueueConnection = queue.Connection });
            else if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } timer)
                functions.Add(new LocalFunction(function.Name, entryPoint, TriggerKind.Timer, method) { Schedule = timer.Schedule, RunOnStartup = timer.RunOnStartup });
            else if (parameters.Any(p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null))
                functions.Add(new LocalFunction(function.Name, entryPoint, TriggerKind.Orchestration, method));
            else if (parameters.Any(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null))
                functions.Add(new LocalFunction(function.Name, entryPoint, TriggerKind.Activity, method));
            else
                throw new NotSupportedException($"{entryPoint}: the local host runs HTTP, queue, timer, orchestration and activity functions; this one has another trigger.");

            foreach (var p in parameters)
                if (!FunctionInvoker.CanBind(p, functions[^1]))
                    throw new NotSupportedException($"{entryPoint}: the local host cannot bind parameter '{p.Name}' of type {p.ParameterType.Name}.");
        }
        return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }
}
