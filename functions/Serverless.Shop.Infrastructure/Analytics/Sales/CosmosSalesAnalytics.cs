using System.Globalization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Sales;

/// <summary>
/// Sales figures read from the buckets in one query, never from the orders: the whole days of the range from the
/// month documents (each holds its days), the hours of a partial first or last day, or an hourly breakdown, from the
/// day documents (each holds its hours). Cosmos DB has no GROUP BY over partitions here (and the emulator no aggregates),
/// so the documents of the range for the one dimension are summed in code; a 30-day query by product reads two
/// months' documents, one per product sold in them. Cosmos DB calls: 1 query page per 1,000 documents.
/// Tests: SalesApiTests, SalesReconciliationTests.
/// </summary>
public sealed class CosmosSalesAnalytics(ShopContainers containers) : ISalesAnalytics
{
    private Container Container => containers.DataKeys.Database.GetContainer(SalesDocuments.ContainerName);

    public async Task<SalesAnswer> QueryAsync(SalesQuery query, CancellationToken ct)
    {
        var from = query.From.ToUniversalTime();
        var to = query.To.ToUniversalTime();
        var wholeFrom = Midnight(from) == from ? from : Midnight(from).AddDays(1);
        var wholeTo = Midnight(to);
        var byMonth = query.Grain != SalesTimeGrain.Hour && wholeFrom < wholeTo;

        var periods = new List<string>();
        if (byMonth)
        {
            for (var m = MonthStart(wholeFrom); m < wholeTo; m = m.AddMonths(1)) periods.Add(SalesDocuments.MonthPeriod(query.GroupBy, m));
            if (from < wholeFrom) periods.Add(SalesDocuments.DayPeriod(query.GroupBy, from));
            if (wholeTo < to) periods.Add(SalesDocuments.DayPeriod(query.GroupBy, wholeTo));
        }
        else
        {
            for (var d = Midnight(from); d < to; d = d.AddDays(1)) periods.Add(SalesDocuments.DayPeriod(query.GroupBy, d));
        }

        var text = $"SELECT * FROM c WHERE c.period IN ({string.Join(", ", periods.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})"
            + (query.Currency is null ? "" : " AND c.currency = @currency");
        var definition = new QueryDefinition(text);
        for (var i = 0; i < periods.Count; i++) definition.WithParameter("@p" + i.ToString(CultureInfo.InvariantCulture), periods[i]);
        if (query.Currency is not null) definition.WithParameter("@currency", query.Currency);

        var sums = new Dictionary<(string Value, string Currency, DateTimeOffset? Start), SalesMeasures>();
        using var feed = Container.GetItemQueryIterator<BucketDocument>(definition, requestOptions: new QueryRequestOptions { MaxItemCount = 1000 });
        while (feed.HasMoreResults)
        {
            foreach (var doc in await feed.ReadNextAsync(ct))
            {
                var monthly = doc.Type == SalesDocuments.MonthType;
                // A month document's days outside the whole days asked for are read from day documents (or not asked for).
                if (!monthly && doc.Type != SalesDocuments.DayType) continue;
                var start = DateTimeOffset.ParseExact(monthly ? doc.Start + "-01" : doc.Start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                foreach (var slot in doc.Slots())
                {
                    var at = monthly ? start.AddDays(int.Parse(slot[1..], CultureInfo.InvariantCulture) - 1) : start.AddHours(int.Parse(slot[1..], CultureInfo.InvariantCulture));
                    var inRange = monthly ? at >= wholeFrom && at < wholeTo : at >= from && at < to && (!byMonth || at < wholeFrom || at >= wholeTo);
                    if (!inRange) continue;
                    DateTimeOffset? periodStart = query.Grain switch { SalesTimeGrain.Hour => at, SalesTimeGrain.Day => Midnight(at), _ => null };
                    var key = (doc.Value, doc.Currency, periodStart);
                    sums[key] = sums.TryGetValue(key, out var had) ? had.Plus(doc.At(slot)) : doc.At(slot);
                }
            }
        }

        var rank = new Dictionary<(string Value, string Currency), int>();
        foreach (var currency in sums.Keys.Select(k => k.Currency).Distinct())
        {
            var ranked = sums.Where(kv => kv.Key.Currency == currency)
                .GroupBy(kv => kv.Key.Value, StringComparer.Ordinal)
                .Select(g => (Value: g.Key, Net: g.Sum(kv => kv.Value.Net)))
                .OrderByDescending(v => v.Net).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ranked.Count; i++) rank[(ranked[i].Value, currency)] = i;
        }

        var rows = sums
            .Where(kv => query.Top is not { } top || rank[(kv.Key.Value, kv.Key.Currency)] < top)
            .OrderBy(kv => kv.Key.Currency, StringComparer.Ordinal).ThenBy(kv => rank[(kv.Key.Value, kv.Key.Currency)]).ThenBy(kv => kv.Key.Start)
            .Select(kv => new SalesRow(query.GroupBy == SalesDimension.Total ? null : kv.Key.Value, kv.Key.Start, kv.Key.Currency, kv.Value))
            .ToList();
        return new SalesAnswer(query, rows);
    }

    private static DateTimeOffset Midnight(DateTimeOffset at) => new(at.Year, at.Month, at.Day, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset MonthStart(DateTimeOffset at) => new(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero);
}
