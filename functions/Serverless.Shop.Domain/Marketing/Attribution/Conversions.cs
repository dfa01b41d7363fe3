using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.Marketing.Attribution;

/// <summary>
/// A paid order as an ad platform's conversion: the order number is the event id (so the platform counts it once,
/// whether the browser pixel, this server, or a retry of either reports it), the amount paid, and who bought it as the
/// platform matches people (the adapter hashes the email as the platform requires; it never leaves in the clear).
/// </summary>
public sealed record PurchaseConversion(
    string OrderNumber, DateTimeOffset PaidAt, Money Value, string Email, IReadOnlyList<string> Skus, int Units,
    string? Fbclid, DateTimeOffset? FbclidCapturedAt, string? LandingPage);

/// <summary>An ad platform's server-side conversions API (Meta's Conversions API). Each adapter sends one platform's request.</summary>
public interface IConversionsApi
{
    /// <summary>"meta": the name of the destination, in the record of what was sent.</summary>
    string Destination { get; }

    /// <summary>Whether this conversion is the platform's to hear about (Meta: the journey has a Meta click).</summary>
    bool Wants(PurchaseConversion conversion);

    Task SendAsync(PurchaseConversion conversion, CancellationToken ct);
}

/// <summary>Which conversions were sent where, so a redelivered order event sends none again.</summary>
public interface IConversionLog
{
    Task<bool> WasSentAsync(string destination, string orderNumber, CancellationToken ct);
    Task RecordSentAsync(string destination, string orderNumber, DateTimeOffset at, CancellationToken ct);
}

/// <summary>
/// When an order is paid, reports the purchase to every configured conversions API that wants it (an
/// <see cref="IOrderChangeReaction"/>). Idempotent per order and destination: the log is checked first and written
/// after the platform accepted the event; a crash in between sends the event again with the same event id, which the
/// platform counts once (Meta deduplicates on event_name and event_id). Only orders whose journey came through that
/// platform's ad are sent (data minimisation: the shop tells Meta about a buyer only when Meta brought them).
/// </summary>
public sealed class SendPurchaseConversions(IEnumerable<IConversionsApi> destinations, IConversionLog log, TimeProvider clock) : IOrderChangeReaction
{
    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (entry.Change != OrderChange.Paid || order.Attribution is null) return;
        var conversion = Of(order, entry.At);
        foreach (var destination in destinations)
        {
            if (!destination.Wants(conversion) || await log.WasSentAsync(destination.Destination, order.Number, ct)) continue;
            await destination.SendAsync(conversion, ct);
            await log.RecordSentAsync(destination.Destination, order.Number, clock.GetUtcNow(), ct);
        }
    }

    public static PurchaseConversion Of(Order order, DateTimeOffset paidAt)
    {
        var journey = order.Attribution;
        return new PurchaseConversion(
            order.Number, order.PaidAt ?? paidAt, order.Pricing.Total, order.Email,
            [.. order.Pricing.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal)], order.Pricing.Lines.Sum(l => l.Quantity),
            journey?.LatestFbclid, journey?.FbclidCapturedAt, journey?.LastTouch.LandingPage ?? journey?.FirstTouch.LandingPage);
    }
}
