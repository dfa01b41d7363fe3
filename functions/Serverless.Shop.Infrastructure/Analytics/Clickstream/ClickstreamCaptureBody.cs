using System.Text.Json;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Clickstream;

/// <summary>
/// The body of one event on the hub (one per session in a request): the session's accepted events as JSON, with the
/// beacon's names (<c>type</c> in kebab case) and the UTM fields flattened, so a query over the captured files
/// (docs/analytics.md) reads the same names as the beacon sends. <see cref="Version"/> tells readers the shape.
/// </summary>
public static class ClickstreamCaptureBody
{
    public const int Version = 1;

    /// <summary>Application property on each hub event naming what its body holds (a reader skips others).</summary>
    public const string SchemaProperty = "schema";
    public const string SchemaName = "serverless-shop.clickstream.v1";

    public static byte[] Serialize(IReadOnlyList<ClickstreamEvent> events) =>
        JsonSerializer.SerializeToUtf8Bytes(new Batch(Version, events.Select(Captured.From).ToList()), ShopJson.Options);

    /// <exception cref="InvalidDataException">The body is not a clickstream batch of this version (foreign or damaged).</exception>
    public static IReadOnlyList<ClickstreamEvent> Deserialize(ReadOnlySpan<byte> body)
    {
        Batch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<Batch>(body, ShopJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("The body is not clickstream JSON: " + e.Message, e);
        }
        if (batch is not { V: Version, Events: { } events })
            throw new InvalidDataException($"The body is not a clickstream batch of version {Version}.");
        return events.Select(e => e?.ToEvent() ?? throw new InvalidDataException("The batch holds a null event.")).ToList();
    }

    private sealed record Batch(int V, IReadOnlyList<Captured?>? Events);

    private sealed record Captured(
        string Id, string Type, string SessionId, DateTimeOffset At, DateTimeOffset ReceivedAt, string Path, string PageType,
        string? ProductId, string? Sku, string? Query, int? Quantity, long? VisibleMs, string? Referrer,
        string? UtmSource, string? UtmMedium, string? UtmCampaign, string? Network)
    {
        public static Captured From(ClickstreamEvent e) => new(e.EventId, ClickstreamNames.Name(e.Type), e.SessionId, e.OccurredAt, e.ReceivedAt,
            e.Path, e.PageType, e.ProductId, e.Sku, e.Query, e.Quantity, e.VisibleMs, e.ReferrerHost, e.UtmSource, e.UtmMedium, e.UtmCampaign, e.NetworkPrefix);

        public ClickstreamEvent ToEvent()
        {
            if (string.IsNullOrEmpty(Id) || string.IsNullOrEmpty(SessionId) || string.IsNullOrEmpty(Path) || string.IsNullOrEmpty(PageType))
                throw new InvalidDataException("An event lacks its id, session, path or page type.");
            if (!ClickstreamNames.TryParseType(Type, out var type)) throw new InvalidDataException($"Unknown event type '{Type}'.");
            return new ClickstreamEvent(Id, type, SessionId, At, ReceivedAt, Path, PageType, ProductId, Sku, Query, Quantity, VisibleMs,
                Referrer, UtmSource, UtmMedium, UtmCampaign, Network);
        }
    }
}
