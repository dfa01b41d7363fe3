using System.Globalization;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Attribution;

/// <summary>A paid order that came through a Google Ads click: a row of the offline-conversion upload.</summary>
public sealed record GoogleAdsConversion(string Gclid, string OrderNumber, DateTimeOffset ConversionTime, Money Value);

/// <summary>Paid orders with a Google click id, by when they were paid.</summary>
public interface IAttributedOrderReader
{
    /// <summary>Orders paid in [<paramref name="from"/>, <paramref name="to"/>) whose journey has a gclid, not cancelled or refunded since, oldest first.</summary>
    Task<IReadOnlyList<GoogleAdsConversion>> ListGoogleAdsConversionsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}

/// <summary>The file Google Ads imports; rendered by an adapter in Google's documented upload format.</summary>
public sealed record GoogleAdsConversionExport(string ConversionName, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<GoogleAdsConversion> Conversions);

/// <param name="ConversionName">The conversion action's name in Google Ads, as the upload must name it (<c>Attribution:GoogleAds:ConversionName</c>).</param>
public sealed record GoogleAdsSettings(string ConversionName)
{
    public const string DefaultConversionName = "Purchase";
}

/// <summary>
/// The offline-conversion export for Google Ads: paid orders with a gclid, paid within a period staff choose. Google
/// takes clicks up to 90 days old, so a period reaches back at most that far and spans at most 90 days.
/// </summary>
public sealed class ExportGoogleAdsConversions(IAttributedOrderReader orders, GoogleAdsSettings settings, TimeProvider clock)
{
    public static readonly TimeSpan MaximumPeriod = TimeSpan.FromDays(90);

    /// <param name="from">Start of the period, inclusive: an ISO 8601 date (UTC midnight) or date and time with offset.</param>
    /// <param name="to">End, exclusive; a date means the start of that day (UTC). Left out: now.</param>
    public async Task<GoogleAdsConversionExport> ExportAsync(string? from, string? to, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new Validator();
        var start = v.Instant(from, "from");
        var end = to is null ? now : v.Instant(to, "to");
        if (start is { } s && end is { } e)
        {
            v.Check(s < e, "to", "must be after from.");
            v.Check(e - s <= MaximumPeriod, "to", $"the period may span at most {MaximumPeriod.TotalDays:0} days.");
            v.Check(s >= now - MaximumPeriod, "from", $"must be within the last {MaximumPeriod.TotalDays:0} days: Google Ads takes no older clicks.");
            v.Check(s <= now, "from", "must not be in the future.");
        }
        v.ThrowIfInvalid();
        var conversions = await orders.ListGoogleAdsConversionsAsync(start!.Value, end!.Value, ct);
        return new GoogleAdsConversionExport(settings.ConversionName, start.Value, end.Value, conversions);
    }
}
