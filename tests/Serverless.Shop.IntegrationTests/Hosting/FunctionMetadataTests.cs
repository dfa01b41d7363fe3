using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>
/// The local host must serve exactly the functions the Functions host would: the ones `dotnet publish` lists in
/// functions.metadata, with the same triggers, routes, verbs, queues and schedules. A function added to the app and
/// missed by the local host (or the reverse) fails here.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class FunctionMetadataTests(LocalShopFixture fixture)
{
    private static readonly Lazy<Task<IReadOnlyList<string>>> Published = new(PublishAndDescribeAsync);

    [Fact]
    public async Task The_local_host_runs_exactly_the_functions_that_publish_lists_in_functions_metadata()
    {
        var published = await Published.Value;
        var local = fixture.Shop.Functions.Select(Describe).OrderBy(d => d, StringComparer.Ordinal).ToList();

        published.Count.ShouldBeGreaterThan(30);
        local.ShouldBe(published);
    }

    [Fact]
    public async Task Every_http_function_answers_on_its_route_rather_than_the_no_route_fallback()
    {
        var client = fixture.Client(Domain.Administration.ShopRoles.Admin);
        foreach (var f in fixture.Shop.Functions.Where(f => f.Trigger == TriggerKind.Http))
            foreach (var method in f.HttpMethods)
            {
                var path = System.Text.RegularExpressions.Regex.Replace(f.Route!, @"\{[^}]+\}", "x1");
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"api/{path}"));
                var text = await response.Content.ReadAsStringAsync();
                text.ShouldNotContain("problems/no-route", customMessage: $"{method} {f.Route} ({f.Name}) is not served");
                ((int)response.StatusCode).ShouldBeLessThan(500, $"{method} {f.Route}: {text}");
            }
    }

    [Fact]
    public async Task A_route_no_function_serves_is_answered_by_the_no_route_fallback()
    {
        var response = await fixture.Client().GetAsync("api/definitely/not/a/function");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("problems/no-route");
    }

    [Fact]
    public void Every_timer_schedule_parses_and_every_queue_function_names_its_queue()
    {
        foreach (var timer in fixture.Shop.Functions.Where(f => f.Trigger == TriggerKind.Timer))
        {
            // A %Setting% schedule is read from the shop's configuration, as the Functions host reads app settings.
            var schedule = TimerTriggerScheduler.Resolve(timer.Schedule!, fixture.Shop.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>());
            var next = TimerTriggerScheduler.Parse(schedule)(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            next.ShouldBeGreaterThan(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }
        fixture.Shop.Functions.Where(f => f.Trigger == TriggerKind.Queue).ShouldAllBe(f => !string.IsNullOrEmpty(f.QueueName));
        fixture.Shop.Functions.Count(f => f.Trigger == TriggerKind.Timer).ShouldBeGreaterThan(0);
    }

    private static string Describe(LocalFunction f) => f.Trigger switch
    {
        TriggerKind.Http => $"{f.Name} {f.EntryPoint} http {string.Join(",", f.HttpMethods.Select(m => m.ToLowerInvariant()))} {f.Route}",
        TriggerKind.Queue => $"{f.Name} {f.EntryPoint} queue {f.QueueName}",
        TriggerKind.Timer => $"{f.Name} {f.EntryPoint} timer {f.Schedule}",
        TriggerKind.Orchestration => $"{f.Name} {f.EntryPoint} orchestration",
        _ => $"{f.Name} {f.EntryPoint} activity",
    };

    private static async Task<IReadOnlyList<string>> PublishAndDescribeAsync()
    {
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var output = Path.Combine(Path.GetTempPath(), "serverless-shop-publish-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "functions", "Serverless.Shop.Functions"), "-c", "Release", "-o", output, "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        process.ExitCode.ShouldBe(0, await stdout + await stderr);

        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "functions.metadata")));
        Directory.Delete(output, recursive: true);
        return metadata.RootElement.EnumerateArray().Select(f =>
        {
            var name = f.GetProperty("name").GetString();
            var entryPoint = f.GetProperty("entryPoint").GetString();
            var trigger = f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return trigger.GetProperty("type").GetString() switch
            {
                "httpTrigger" => $"{name} {entryPoint} http {string.Join(",", trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))} {trigger.GetProperty("route").GetString()}",
                "queueTrigger" => $"{name} {entryPoint} queue {trigger.GetProperty("queueName").GetString()}",
                "timerTrigger" => $"{name} {entryPoint} timer {trigger.GetProperty("schedule").GetString()}",
                "orchestrationTrigger" => $"{name} {entryPoint} orchestration",
                "activityTrigger" => $"{name} {entryPoint} activity",
                var other => $"{name} {entryPoint} unsupported {other}",
            };
        }).OrderBy(d => d, StringComparer.Ordinal).ToList();
    }
}
