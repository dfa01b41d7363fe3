using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.UnitTests.Storefront;

internal static class StorefrontExamples
{
    public static readonly StorefrontSettings Site = new(new Uri("https://shop.test/"), "Test Shop", new Uri("https://api.shop.test/api/"));
}

/// <summary>Sitemap files in memory, as Blob Storage keeps them.</summary>
internal sealed class InMemorySitemapFiles : ISitemapFiles
{
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public Task WriteAsync(string name, string content, CancellationToken ct) { Files[name] = content; return Task.CompletedTask; }
    public Task<string?> ReadAsync(string name, CancellationToken ct) => Task.FromResult(Files.GetValueOrDefault(name));
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([.. Files.Keys]);
    public Task DeleteAsync(string name, CancellationToken ct) { Files.Remove(name); return Task.CompletedTask; }
}

internal sealed class RecordingCdnPurge : ICdnPurge
{
    public List<string> Purged { get; } = [];

    public Task PurgeAsync(IReadOnlyCollection<string> paths, CancellationToken ct) { Purged.AddRange(paths); return Task.CompletedTask; }
}
