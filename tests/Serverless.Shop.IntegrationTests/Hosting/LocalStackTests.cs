using System.Diagnostics;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>How the local stack's emulators live and stop (LocalStack/NodeProcess.cs).</summary>
public sealed class LocalStackTests
{
    /// <summary>
    /// Ctrl+C in a terminal sends SIGINT to the whole foreground process group: the host and its emulators. The emulators
    /// ignore it, so they keep answering while the host stops (its Durable leases, its last writes), and the host stops
    /// them afterwards through their standard input. Before, Azurite stopped at once and the host spent 20 s retrying
    /// against it. The signal is sent to the emulators directly: Node.js installs its handlers whatever the signal's
    /// inherited disposition, so this holds however the test runner was started.
    /// </summary>
    [Fact]
    public async Task Ctrl_C_stops_the_host_first_and_the_emulators_with_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stack = await RunningLocalStack.StartAsync(
            new LocalStackOptions(RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory), DataDirectory: null), NullLogger.Instance, timeout.Token);
        var emulators = stack.EmulatorProcessIds.Select(Process.GetProcessById).ToList();
        try
        {
            emulators.Count.ShouldBe(2);
            foreach (var emulator in emulators) await SignalAsync("INT", emulator.Id);
            await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);

            emulators.ShouldAllBe(e => !e.HasExited);
            var container = new BlobServiceClient(stack.StorageConnectionString).GetBlobContainerClient("after-ctrl-c");
            (await container.CreateIfNotExistsAsync(cancellationToken: timeout.Token)).ShouldNotBeNull();
            using var cosmos = new CosmosClient(stack.CosmosConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });
            (await cosmos.CreateDatabaseIfNotExistsAsync("after-ctrl-c", cancellationToken: timeout.Token)).StatusCode.ShouldBeOneOf(System.Net.HttpStatusCode.Created, System.Net.HttpStatusCode.OK);
        }
        finally
        {
            await stack.DisposeAsync();
        }

        // The host's own stop still ends them.
        foreach (var emulator in emulators)
        {
            await emulator.WaitForExitAsync(timeout.Token);
            emulator.HasExited.ShouldBeTrue();
        }
    }

    private static async Task SignalAsync(string signal, int processId)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {processId}") { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        kill.ExitCode.ShouldBe(0);
    }
}
