using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>One in-memory local stack (its Azurite holds the task hubs) for the tests of a class that start Durable hosts of their own.</summary>
public sealed class AzuriteStackFixture : IAsyncLifetime
{
    private RunningLocalStack? _stack;

    public RunningLocalStack Stack => _stack ?? throw new InvalidOperationException("The local stack has not started.");

    /// <summary>A task hub name of its own (letters and digits, starting with a letter, as the provider wants).</summary>
    public static string NewTaskHubName() => "Test" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _stack = await RunningLocalStack.StartAsync(
            new LocalStackOptions(RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory), DataDirectory: null), NullLogger.Instance, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null) await _stack.DisposeAsync();
    }
}
