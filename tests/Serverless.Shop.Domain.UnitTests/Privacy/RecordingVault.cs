using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.UnitTests.Privacy;

/// <summary>Records erasures; the rest of the vault is not what these tests are about.</summary>
public sealed class RecordingVault : IPersonalDataVault
{
    public List<DataOwner> Erased { get; } = [];

    public Task<IPersonalDataKey> OpenAsync(DataOwner owner, bool createIfMissing, CancellationToken ct) => throw new NotSupportedException();

    public Task<bool> EraseAsync(DataOwner owner, CancellationToken ct)
    {
        var first = !Erased.Contains(owner);
        Erased.Add(owner);
        return Task.FromResult(first);
    }

    public Task<string> BlindIndexAsync(BlindIndexKind kind, string value, CancellationToken ct) => throw new NotSupportedException();
}
