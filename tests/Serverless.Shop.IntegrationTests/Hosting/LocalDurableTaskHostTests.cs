using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>
/// The local host runs orchestrator and activity functions in process on the Azure Storage provider (here against an
/// in-memory Azurite), and binds [DurableClient]. These sample functions (not part of the app) exercise the parts the
/// checkout relies on: typed inputs and outputs through the shop's JSON (enums as strings), activities, durable timers
/// and external events.
/// </summary>
public sealed class LocalDurableTaskHostTests(AzuriteStackFixture stack) : IClassFixture<AzuriteStackFixture>, IAsyncLifetime
{
    private IReadOnlyList<LocalFunction> _functions = [];
    private ServiceProvider _services = null!;
    private LocalDurableTaskHost _durable = null!;

    public async Task InitializeAsync()
    {
        _functions = FunctionCatalog.Discover(typeof(SampleDurableFunctions).Assembly, type => type == typeof(SampleDurableFunctions));
        var services = new ServiceCollection();
        services.AddSingleton(sp => new FunctionInvoker(sp));
        ServiceProvider? provider = null;
        // A task hub per test on the class's Azurite, so no test sees another's instances.
        var settings = new DurableTaskSettings(AzuriteStackFixture.NewTaskHubName(), MaxQueuePollingInterval: TimeSpan.FromMilliseconds(200));
        _durable = await LocalDurableTaskHost.StartAsync(_functions, () => provider!.GetRequiredService<FunctionInvoker>(),
            new LocalDurableTaskOptions(stack.Stack.StorageConnectionString, settings), NullLoggerFactory.Instance, CancellationToken.None);
        services.AddSingleton(_durable);
        _services = provider = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _durable.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public void Orchestrator_and_activity_functions_are_discovered_by_their_triggers()
    {
        _functions.Single(f => f.Name == "SampleParcel").Trigger.ShouldBe(TriggerKind.Orchestration);
        _functions.Single(f => f.Name == "SampleWeigh").Trigger.ShouldBe(TriggerKind.Activity);
        _functions.Single(f => f.Name == "SampleStart").Trigger.ShouldBe(TriggerKind.Queue);
    }

    [Fact]
    public async Task A_starter_with_a_durable_client_runs_an_orchestration_whose_activity_gets_its_typed_input()
    {
        var invoker = _services.GetRequiredService<FunctionInvoker>();
        var start = _functions.Single(f => f.Name == "SampleStart");

        await invoker.InvokeQueueAsync(start, "parcel-1", CancellationToken.None);

        var done = await _durable.Client.WaitForInstanceCompletionAsync("parcel-1", getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        done.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        var result = done.ReadOutputAs<SampleResult>()!;
        result.Grams.ShouldBe(3 * 250);
        result.Size.ShouldBe(SampleSize.Large);
        done.SerializedOutput!.ShouldContain("\"size\":\"large\"");
    }

    [Fact]
    public async Task An_orchestration_waits_for_an_external_event_and_a_durable_timer_decides_when_none_comes()
    {
        // A minute for the approval that comes (a busy machine must not make it late), two seconds for the one that does not.
        await _durable.Client.ScheduleNewOrchestrationInstanceAsync("SampleApproval", new SampleApprovalRequest(TimeoutSeconds: 60), new StartOrchestrationOptions("approved"));
        await _durable.Client.ScheduleNewOrchestrationInstanceAsync("SampleApproval", new SampleApprovalRequest(TimeoutSeconds: 2), new StartOrchestrationOptions("ignored"));
        await _durable.Client.WaitForInstanceStartAsync("approved", CancellationToken.None);
        await _durable.Client.RaiseEventAsync("approved", "Approval", "yes");

        var approved = await _durable.Client.WaitForInstanceCompletionAsync("approved", getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var ignored = await _durable.Client.WaitForInstanceCompletionAsync("ignored", getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        approved.ReadOutputAs<string>().ShouldBe("approved: yes");
        ignored.ReadOutputAs<string>().ShouldBe("timed out");
    }
}

public enum SampleSize { Small, Large }

public sealed record SampleParcel(int Items, SampleSize Size);

public sealed record SampleResult(int Grams, SampleSize Size);

public sealed record SampleApprovalRequest(int TimeoutSeconds);

/// <summary>Functions written exactly as the app writes them, for the tests above only.</summary>
public sealed class SampleDurableFunctions
{
    [Function("SampleStart")]
    public Task Start([QueueTrigger("sample")] string id, [DurableClient] DurableTaskClient client) =>
        client.ScheduleNewOrchestrationInstanceAsync("SampleParcel", new SampleParcel(3, SampleSize.Large), new StartOrchestrationOptions(id));

    [Function("SampleParcel")]
    public static async Task<SampleResult> Parcel([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var parcel = context.GetInput<SampleParcel>()!;
        var grams = await context.CallActivityAsync<int>("SampleWeigh", parcel);
        return new SampleResult(grams, parcel.Size);
    }

    [Function("SampleWeigh")]
    public static int Weigh([ActivityTrigger] SampleParcel parcel) => parcel.Items * (parcel.Size == SampleSize.Large ? 250 : 100);

    [Function("SampleApproval")]
    public static async Task<string> Approval([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var request = context.GetInput<SampleApprovalRequest>()!;
        using var timeout = new CancellationTokenSource();
        var approval = context.WaitForExternalEvent<string>("Approval", timeout.Token);
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(request.TimeoutSeconds), timeout.Token);
        var winner = await Task.WhenAny(approval, timer);
        timeout.Cancel();
        return winner == approval ? $"approved: {approval.Result}" : "timed out";
    }
}
