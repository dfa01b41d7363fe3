using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Infrastructure.Marketing.Attribution;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>
/// The local stand-in for Meta's Conversions API: it sends nothing anywhere and records the server event the real
/// adapter would send (the same JSON, <see cref="MetaConversionsApi.Event"/>), in memory and, under `dotnet run`, as
/// one JSON line per event in <c>.local/conversions/meta.jsonl</c>. Only the local host registers it, and only while
/// <c>Attribution:Meta:PixelId</c> is not set.
/// </summary>
public sealed class LocalMetaConversionsRecorder(string? directory) : IConversionsApi
{
    private readonly ConcurrentQueue<JsonObject> _recorded = new();
    private readonly object _fileLock = new();

    public string Destination => "meta";

    /// <summary>The events "sent", oldest first.</summary>
    public IReadOnlyList<JsonObject> Recorded => [.. _recorded];

    public bool Wants(PurchaseConversion conversion) => conversion.Fbclid is not null;

    public Task SendAsync(PurchaseConversion conversion, CancellationToken ct)
    {
        var evt = MetaConversionsApi.Event(conversion);
        _recorded.Enqueue(evt);
        if (directory is not null)
            lock (_fileLock)
            {
                Directory.CreateDirectory(directory);
                File.AppendAllText(Path.Combine(directory, "meta.jsonl"), evt.ToJsonString() + Environment.NewLine);
            }
        return Task.CompletedTask;
    }
}
