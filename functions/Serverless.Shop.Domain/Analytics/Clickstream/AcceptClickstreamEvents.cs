using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Analytics.Clickstream;

/// <summary>
/// The ingestion endpoint's use case: checks every event of a batch (all the rules it breaks at once, keyed
/// <c>events[i].field</c>), refuses a flood from one session, stamps what the server knows (when it arrived, the
/// client's network truncated) and hands the batch to <see cref="IClickstreamSink"/>. Nothing here reads or writes Cosmos
/// DB (ClickstreamIngestionApiTests counts the calls). A batch is accepted whole or not at all.
/// </summary>
public sealed class AcceptClickstreamEvents(IClickstreamSink sink, ISessionFloodGuard floodGuard, TimeProvider clock)
{
    public const int MaximumEventsPerBatch = 50;
    public const int MaximumBodyBytes = 64 * 1024;
    public static readonly TimeSpan MaximumClockSkew = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaximumAge = TimeSpan.FromHours(24);
    public const long MaximumVisibleMs = 24L * 60 * 60 * 1000;
    public const int MaximumQuantity = 999;
    private const int MaximumPathLength = 512;
    private const int MaximumQueryLength = 200;
    private const int MaximumUtmLength = 100;
    private const int MaximumHostLength = 253;

    /// <param name="clientAddress">The client's address as the request reported it (X-Forwarded-For's first hop, else the connection's); only its network prefix is kept.</param>
    /// <exception cref="ValidationFailedException">A rule is broken; nothing is handed on.</exception>
    /// <exception cref="TooManyRequestsException">A session of the batch has sent too many events lately; nothing is handed on.</exception>
    public async Task<ClickstreamAccepted> AcceptAsync(ClickstreamBatchInput? input, string? clientAddress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var events = Validate(input, now, NetworkPrefixes.Truncate(clientAddress));

        foreach (var session in events.GroupBy(e => e.SessionId, StringComparer.Ordinal))
            if (floodGuard.TryTake(session.Key, session.Count()) is { } retryAfter)
                throw new TooManyRequestsException(
                    $"Session '{session.Key}' has sent too many events; wait {Math.Ceiling(retryAfter.TotalSeconds):0} s before sending more.", retryAfter);

        await sink.SendAsync(events, ct);
        return new ClickstreamAccepted(events.Count);
    }

    private static List<ClickstreamEvent> Validate(ClickstreamBatchInput? input, DateTimeOffset now, string? networkPrefix)
    {
        var validator = new Validator();
        if (input?.Events is not { } items)
        {
            validator.Add("events", "is required.");
            validator.ThrowIfInvalid();
            return [];
        }
        validator.Check(items.Count > 0, "events", "must hold at least one event.");
        validator.Check(items.Count <= MaximumEventsPerBatch, "events", $"may hold at most {MaximumEventsPerBatch} events; send the rest in another batch.");
        validator.ThrowIfInvalid();

        var accepted = new List<ClickstreamEvent>(items.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var field = $"events[{i}]";
            if (items[i] is not { } item)
            {
                validator.Add(field, "must be an event object, not null.");
                continue;
            }
            if (Check(item, field, now, validator) is { } checkedEvent)
            {
                if (validator.Check(ids.Add(checkedEvent.EventId), field + ".id", "appears twice in the batch."))
                    accepted.Add(checkedEvent with { ReceivedAt = now, NetworkPrefix = networkPrefix });
            }
        }
        validator.ThrowIfInvalid();
        return accepted;
    }

    private static ClickstreamEvent? Check(ClickstreamEventInput item, string field, DateTimeOffset now, Validator validator)
    {
        if (validator.Required(item.Id, field + ".id")) RandomId(item.Id!, field + ".id", validator);
        if (validator.Required(item.SessionId, field + ".sessionId")) RandomId(item.SessionId!, field + ".sessionId", validator);

        var known = validator.Required(item.Type, field + ".type") && validator.Check(ClickstreamNames.TryParseType(item.Type, out _), field + ".type",
            $"must be one of {string.Join(", ", ClickstreamNames.EventTypeNames)}.");
        ClickstreamNames.TryParseType(item.Type, out var type);

        if (validator.Required(item.At, field + ".at"))
        {
            validator.Check(item.At!.Value <= now + MaximumClockSkew, field + ".at", $"is in the future: more than {MaximumClockSkew.TotalMinutes:0} minutes ahead of the server's clock.");
            validator.Check(item.At!.Value >= now - MaximumAge, field + ".at", $"is more than {MaximumAge.TotalHours:0} hours old; such events are not accepted.");
        }

        var path = PathWithoutQuery(item.Path);
        if (validator.Required(path, field + ".path"))
        {
            validator.Check(path!.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal), field + ".path", "must be a path that starts with a single '/'.");
            validator.MaxLength(path, MaximumPathLength, field + ".path");
            validator.Check(!path.Any(char.IsControl), field + ".path", "must not contain control characters.");
        }

        var pageType = string.IsNullOrWhiteSpace(item.PageType) ? ClickstreamNames.OtherPageType : item.PageType;
        validator.Check(ClickstreamNames.PageTypes.Contains(pageType), field + ".pageType", $"must be one of {string.Join(", ", ClickstreamNames.PageTypes)}.");

        if (item.ProductId is not null) validator.Check(Ids.IsWellFormed(item.ProductId), field + ".productId", "must be a product id (1 to 100 letters, digits, '-' or '_').");
        if (item.Sku is not null)
            validator.Check(item.Sku.Length is > 0 and <= 100 && !item.Sku.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)), field + ".sku", "must be a SKU (1 to 100 characters, no spaces).");
        if (known)
        {
            if (type is ClickstreamEventType.ProductView or ClickstreamEventType.AddToCart) validator.Required(item.ProductId, field + ".productId");
            if (type == ClickstreamEventType.AddToCart)
            {
                validator.Required(item.Sku, field + ".sku");
                if (validator.Required(item.Quantity, field + ".quantity"))
                    validator.Check(item.Quantity is >= 1 and <= MaximumQuantity, field + ".quantity", $"must be from 1 to {MaximumQuantity}.");
            }
            else OnlyFor(item.Quantity is null, "quantity", "add-to-cart", field, validator);

            if (type == ClickstreamEventType.Search)
            {
                if (validator.Required(item.Query, field + ".query")) validator.MaxLength(item.Query, MaximumQueryLength, field + ".query");
            }
            else OnlyFor(item.Query is null, "query", "search", field, validator);

            if (type == ClickstreamEventType.PageTime)
            {
                if (validator.Required(item.VisibleMs, field + ".visibleMs"))
                    validator.Check(item.VisibleMs is >= 0 and <= MaximumVisibleMs, field + ".visibleMs", $"must be from 0 to {MaximumVisibleMs} (24 hours).");
            }
            else OnlyFor(item.VisibleMs is null, "visibleMs", "page-time", field, validator);
        }

        var referrerHost = ReferrerHost(item.Referrer, field + ".referrer", validator);
        validator.MaxLength(item.Utm?.Source, MaximumUtmLength, field + ".utm.source");
        validator.MaxLength(item.Utm?.Medium, MaximumUtmLength, field + ".utm.medium");
        validator.MaxLength(item.Utm?.Campaign, MaximumUtmLength, field + ".utm.campaign");

        if (validator.HasErrorsUnder(field)) return null;
        return new ClickstreamEvent(item.Id!, type, item.SessionId!, item.At!.Value.ToUniversalTime(), default, path!, pageType,
            item.ProductId, item.Sku, item.Query?.Trim(), item.Quantity, item.VisibleMs, referrerHost,
            Blank(item.Utm?.Source), Blank(item.Utm?.Medium), Blank(item.Utm?.Campaign));
    }

    private static void OnlyFor(bool absent, string name, string type, string field, Validator validator) =>
        validator.Check(absent, $"{field}.{name}", $"is only for {type} events.");

    private static void RandomId(string value, string field, Validator validator) =>
        validator.Check(value.Length is >= 8 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), field,
            "must be 8 to 64 letters, digits, '-' or '_'.");

    // The query string can carry anything (an email in a sign-in link, a token): it is dropped here even if a client sent it.
    private static string? PathWithoutQuery(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return null;
        var end = path.IndexOfAny(['?', '#']);
        return end < 0 ? path : path[..end];
    }

    private static string? ReferrerHost(string? referrer, string field, Validator validator)
    {
        if (string.IsNullOrWhiteSpace(referrer)) return null;
        var text = referrer.Trim();
        var host = Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.IdnHost
            : Uri.CheckHostName(text) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6 ? text.ToLowerInvariant()
            : null;
        return validator.Check(host is { Length: > 0 and <= MaximumHostLength }, field, "must be a host name or an http(s) URL (only its host is kept).") ? host : null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
