namespace Serverless.Shop.Domain.Analytics.Clickstream;

/// <summary>
/// What the beacon posts to <c>POST /api/analytics/events</c>: a batch of at most
/// <see cref="AcceptClickstreamEvents.MaximumEventsPerBatch"/> events. Every field is checked by
/// <see cref="AcceptClickstreamEvents"/>; a rule broken anywhere refuses the whole batch, naming <c>events[i].field</c>.
/// </summary>
public sealed record ClickstreamBatchInput(IReadOnlyList<ClickstreamEventInput?>? Events);

/// <param name="Id">Random id the beacon gives the event (8 to 64 letters, digits, '-' or '_').</param>
/// <param name="Type">page-view, product-view, search, add-to-cart, checkout-start or page-time.</param>
/// <param name="At">When it happened, by the browser's clock (ISO 8601 with an offset).</param>
/// <param name="Path">The page's path, from '/'; a query string or fragment is dropped, never kept.</param>
/// <param name="Referrer">The referring site: a host, or a URL of which only the host is kept.</param>
public sealed record ClickstreamEventInput(
    string? Id, string? Type, string? SessionId, DateTimeOffset? At, string? Path, string? PageType = null,
    string? ProductId = null, string? Sku = null, string? Query = null, int? Quantity = null, long? VisibleMs = null,
    string? Referrer = null, ClickstreamUtmInput? Utm = null);

/// <summary>The UTM parameters of the URL the shopper landed on (utm_source, utm_medium, utm_campaign).</summary>
public sealed record ClickstreamUtmInput(string? Source, string? Medium, string? Campaign);

/// <summary>The answer to an accepted batch (202): how many events were handed on.</summary>
public sealed record ClickstreamAccepted(int Accepted);

/// <summary>The names of <see cref="ClickstreamEventType"/> and of the page types on the wire (kebab case), one place for both directions.</summary>
public static class ClickstreamNames
{
    private static readonly Dictionary<string, ClickstreamEventType> Types = new(StringComparer.Ordinal)
    {
        ["page-view"] = ClickstreamEventType.PageView,
        ["product-view"] = ClickstreamEventType.ProductView,
        ["search"] = ClickstreamEventType.Search,
        ["add-to-cart"] = ClickstreamEventType.AddToCart,
        ["checkout-start"] = ClickstreamEventType.CheckoutStart,
        ["page-time"] = ClickstreamEventType.PageTime,
    };

    /// <summary>The page types the beacon reports (from <c>data-page-type</c>); anything else is refused.</summary>
    public static readonly IReadOnlySet<string> PageTypes = new HashSet<string>(StringComparer.Ordinal)
        { "home", "category", "product", "search", "cart", "checkout", "other" };

    public const string OtherPageType = "other";

    public static IReadOnlyCollection<string> EventTypeNames => Types.Keys;

    public static bool TryParseType(string? name, out ClickstreamEventType type) => Types.TryGetValue(name ?? "", out type);

    public static string Name(ClickstreamEventType type) => Types.First(t => t.Value == type).Key;
}
