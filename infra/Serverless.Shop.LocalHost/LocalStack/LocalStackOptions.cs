namespace Serverless.Shop.LocalHost.LocalStack;

/// <summary>How to start the local stack (Azurite and the Cosmos DB emulator).</summary>
/// <param name="RepositoryRoot">The folder holding Serverless.Shop.sln; the emulators live in infra/local-stack under it.</param>
/// <param name="DataDirectory">
/// Null keeps everything in memory (tests). Otherwise Azurite stores its data in DataDirectory/azurite and the Cosmos DB
/// emulator in DataDirectory/cosmos.json, so a developer's data survives restarts.
/// </param>
/// <param name="PreferredBlobPort">Used when free; otherwise any free port. Azurite's table service takes PreferredBlobPort + 2 when free.</param>
/// <param name="PreferredQueuePort">Used when free; otherwise any free port.</param>
/// <param name="PreferredCosmosPort">Used when free; otherwise any free port.</param>
public sealed record LocalStackOptions(
    string RepositoryRoot,
    string? DataDirectory,
    int PreferredBlobPort = 10000,
    int PreferredQueuePort = 10001,
    int PreferredCosmosPort = 8081);
