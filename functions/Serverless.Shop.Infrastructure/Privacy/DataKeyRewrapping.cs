using Microsoft.Extensions.Logging;

namespace Serverless.Shop.Infrastructure.Privacy;

/// <summary>
/// Retiring an old KEK version after a rotation (docs/security.md#key-versions-and-rotation): re-wraps data keys a batch
/// at a time until none is left wrapped with an older version, or <see cref="MaximumBatches"/> ran (the next run goes on),
/// and says in the log what is left to do, so an operator knows when the old version can be disabled.
/// </summary>
public sealed class DataKeyRewrapping(CosmosPersonalDataVault vault, ILogger<DataKeyRewrapping> logger)
{
    public const int BatchSize = 100;
    public const int MaximumBatches = 50;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var total = 0;
        for (var batch = 0; batch < MaximumBatches; batch++)
        {
            var (rewrapped, unreadable) = await vault.RewrapWithCurrentKekAsync(BatchSize, ct);
            total += rewrapped;
            if (rewrapped < BatchSize)
            {
                if (unreadable > 0)
                    logger.LogError("Data keys re-wrapped with the current KEK: {Count}; {Unreadable} could not be opened (their KEK version is disabled or unreachable). Keep the older versions of privacy-kek enabled until a run re-wraps them.", total, unreadable);
                else
                    logger.LogInformation("Data keys re-wrapped with the current KEK: {Count}. None is left wrapped with an older KEK version; older versions of privacy-kek can be disabled.", total);
                return total;
            }
        }
        logger.LogWarning("Data keys re-wrapped with the current KEK: {Count}, and more are left for the next run; keep the older versions of privacy-kek enabled until a run reports none left.", total);
        return total;
    }
}
