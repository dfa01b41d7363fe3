using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Adapters;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Adapters against Azurite";
}

/// <summary>The local stack (in memory, on its own ports) for the storage adapter tests; they use its Azurite.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private RunningLocalStack? stack;

    public string ConnectionString => Stack.StorageConnectionString;
    public Uri BlobEndpoint => Stack.BlobEndpoint;

    private RunningLocalStack Stack => stack ?? throw new InvalidOperationException("The local stack has not started.");

    public async Task InitializeAsync()
    {
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        stack = await RunningLocalStack.StartAsync(new LocalStackOptions(root, DataDirectory: null), NullLogger.Instance, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (stack is not null) await stack.DisposeAsync();
    }
}
