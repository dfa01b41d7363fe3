using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// Calls a function method as the Functions worker would: a new instance from the app's services for each invocation,
/// its parameters bound from the trigger (the request and its route values, the queue message, the timer, the
/// orchestration context or the activity's input) and a [DurableClient] from the in-process Durable Task host.
/// </summary>
public sealed class FunctionInvoker(IServiceProvider services)
{
    private readonly CrashPoint? _crashPoint = services.GetService<CrashPoint>();

    public static bool CanBind(ParameterInfo p, LocalFunction f) =>
        p.ParameterType == typeof(CancellationToken)
        || (p.GetCustomAttribute<DurableClientAttribute>() is not null && p.ParameterType == typeof(DurableTaskClient))
        || (f.Trigger == TriggerKind.Http && (p.ParameterType == typeof(HttpRequest) || IsRouteValue(p, f)))
        || (f.Trigger == TriggerKind.Queue && p.GetCustomAttribute<QueueTriggerAttribute>() is not null)
        || (f.Trigger == TriggerKind.Timer && p.ParameterType == typeof(TimerInfo))
        || (f.Trigger == TriggerKind.Orchestration && p.ParameterType == typeof(TaskOrchestrationContext) && p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null)
        || (f.Trigger == TriggerKind.Activity && p.GetCustomAttribute<ActivityTriggerAttribute>() is not null);

    public Task<object?> InvokeHttpAsync(LocalFunction f, HttpContext http) =>
        InvokeAsync(f, p =>
            p.ParameterType == typeof(HttpRequest) ? http.Request
            : p.ParameterType == typeof(CancellationToken) ? http.RequestAborted
            : Convert(http.GetRouteValue(p.Name!)?.ToString(), p.ParameterType));

    public Task<object?> InvokeQueueAsync(LocalFunction f, string message, CancellationToken ct) =>
        InvokeAsync(f, p =>
            p.ParameterType == typeof(CancellationToken) ? ct
            : p.ParameterType == typeof(string) ? message
            : p.ParameterType == typeof(BinaryData) ? BinaryData.FromString(message)
            : JsonSerializer.Deserialize(message, p.ParameterType, ShopJson.Options));

    public Task<object?> InvokeTimerAsync(LocalFunction f, TimerInfo timer, CancellationToken ct) =>
        InvokeAsync(f, p => p.ParameterType == typeof(CancellationToken) ? ct : timer);

    /// <summary>Runs (or replays) an orchestrator function with the orchestration's context, as the Durable extension does.</summary>
    public Task<object?> InvokeOrchestrationAsync(LocalFunction f, TaskOrchestrationContext context) =>
        InvokeAsync(f, p => p.ParameterType == typeof(CancellationToken) ? CancellationToken.None : context);

    /// <summary>
    /// Runs an activity function; its input arrives as JSON and binds to the trigger parameter's type. A crash point
    /// (local host only) may stop it before it runs, or after its work and before the worker records its completion.
    /// </summary>
    public async Task<object?> InvokeActivityAsync(LocalFunction f, JsonElement? input, CancellationToken ct)
    {
        if (_crashPoint is not null) await _crashPoint.ReachedAsync(f.Name, CrashMoment.Before, CrashPoint.KeyOf(input));
        var result = await InvokeAsync(f, p =>
            p.ParameterType == typeof(CancellationToken) ? ct
            : input is null || input.Value.ValueKind == JsonValueKind.Null ? null
            : input.Value.Deserialize(p.ParameterType, ShopJson.Options));
        if (_crashPoint is not null) await _crashPoint.ReachedAsync(f.Name, CrashMoment.After, CrashPoint.KeyOf(input));
        return result;
    }

    // The [DurableClient] a function gets; behind a crash point when one is set, so a test can stop the host around a signal or a start.
    private DurableTaskClient DurableClient()
    {
        var client = services.GetRequiredService<LocalDurableTaskHost>().Client;
        return _crashPoint is null ? client : new CrashPointDurableTaskClient(client, _crashPoint);
    }

    private async Task<object?> InvokeAsync(LocalFunction f, Func<ParameterInfo, object?> bindTrigger)
    {
        await using var scope = services.CreateAsyncScope();
        var target = f.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, f.Method.DeclaringType!);
        object? returned;
        try
        {
            returned = f.Method.Invoke(target, f.Method.GetParameters().Select(p =>
                p.GetCustomAttribute<DurableClientAttribute>() is not null ? DurableClient() : bindTrigger(p)).ToArray());
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        if (returned is Task task)
        {
            await task;
            var resultProperty = task.GetType().GetProperty("Result");
            return resultProperty?.PropertyType.Name == "VoidTaskResult" ? null : resultProperty?.GetValue(task);
        }
        return returned;
    }

    private static bool IsRouteValue(ParameterInfo p, LocalFunction f) =>
        f.Route is not null && f.Route.Contains("{" + p.Name, StringComparison.Ordinal) && TypeDescriptor.GetConverter(p.ParameterType).CanConvertFrom(typeof(string));

    private static object? Convert(string? value, Type type) =>
        value is null ? null : type == typeof(string) ? value : TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
}
