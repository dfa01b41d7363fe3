namespace Serverless.Shop.Domain.Analytics.Clickstream;

/// <summary>What a shopper did, as the beacon reports it (the <c>type</c> of an event; kebab case on the wire).</summary>
public enum ClickstreamEventType { PageView, ProductView, Search, AddToCart, CheckoutStart, PageTime }

/// <summary>
/// One clickstream event as accepted by the ingestion endpoint (docs/analytics.md "Clickstream"). Nothing personal: the
/// session id is a random id from the first-party cookie (only with analytics consent; without it one per page load),
/// the page is a path without its query string, the referrer is a host, and the address is truncated
/// (<see cref="NetworkPrefix"/>: IPv4 /24, IPv6 /48).
/// </summary>
/// <param name="EventId">Random id the beacon gives each event, so a batch sent twice is counted once.</param>
/// <param name="OccurredAt">When it happened, by the browser's clock (never more than a few minutes ahead of the server's).</param>
/// <param name="ReceivedAt">When the endpoint accepted it (the server's clock).</param>
/// <param name="PageType">home, category, product, search, cart, checkout, other.</param>
/// <param name="VisibleMs">For <see cref="ClickstreamEventType.PageTime"/>: how long the page was visible (from visibilitychange).</param>
public sealed record ClickstreamEvent(
    string EventId, ClickstreamEventType Type, string SessionId, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt,
    string Path, string PageType, string? ProductId = null, string? Sku = null, string? Query = null, int? Quantity = null,
    long? VisibleMs = null, string? ReferrerHost = null, string? UtmSource = null, string? UtmMedium = null, string? UtmCampaign = null,
    string? NetworkPrefix = null);

/// <summary>
/// Hands accepted batches on without touching Cosmos DB: Azure Event Hubs in Azure (Capture keeps the raw events), a
/// storage queue locally (its consumer writes the same capture files to Azurite).
/// </summary>
public interface IClickstreamSink
{
    Task SendAsync(IReadOnlyList<ClickstreamEvent> batch, CancellationToken ct);
}

/// <summary>A file of raw events the capture wrote (Event Hubs Capture in Azure, the local stand-in on Azurite), by its name.</summary>
public sealed record CapturedFile(string Name, DateTimeOffset WrittenAt);

/// <summary>
/// The raw events as captured: listed in the order they were written, read back as events, and deleted when older than
/// the retention period. The processors read from here, in Azure and locally alike.
/// </summary>
public interface IClickstreamArchive
{
    IAsyncEnumerable<CapturedFile> ListAsync(DateTimeOffset writtenAfter, CancellationToken ct);

    Task<IReadOnlyList<ClickstreamEvent>> ReadAsync(CapturedFile file, CancellationToken ct);

    /// <summary>Deletes every file written before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteWrittenBeforeAsync(DateTimeOffset cutoff, CancellationToken ct);
}
