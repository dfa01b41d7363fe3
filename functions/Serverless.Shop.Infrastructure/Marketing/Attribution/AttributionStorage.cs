using System.Net;
using CsvHelper;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Marketing.Feeds;

namespace Serverless.Shop.Infrastructure.Marketing.Attribution;

/// <summary>
/// Which conversions were sent: one marker per destination and order, <c>{ id: "conversion:meta:SS-..." }</c>, in the
/// part's container <c>marketing-feeds</c>. Creating it is the record; a second create (a redelivery racing the first) is fine.
/// </summary>
public sealed class CosmosConversionLog(CosmosClient client, CosmosOptions options) : IConversionLog
{
    private Container Markers => client.GetDatabase(options.DatabaseName).GetContainer(CosmosFeedRunStore.ContainerName);

    private static string Id(string destination, string orderNumber) => $"conversion:{destination}:{orderNumber}";

    public async Task<bool> WasSentAsync(string destination, string orderNumber, CancellationToken ct)
    {
        // A query rather than a point read: the emulator answers a read of a missing item with 500 (docs/cosmos-emulator.md).
        var query = new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.id = @id").WithParameter("@id", Id(destination, orderNumber));
        using var feed = Markers.GetItemQueryIterator<string>(query);
        while (feed.HasMoreResults)
            if ((await feed.ReadNextAsync(ct)).Any()) return true;
        return false;
    }

    public async Task RecordSentAsync(string destination, string orderNumber, DateTimeOffset at, CancellationToken ct)
    {
        var id = Id(destination, orderNumber);
        try
        {
            await Markers.CreateItemAsync(new SentMarker(id, "conversion-sent", destination, orderNumber, at), new PartitionKey(id), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict) { }
    }

    private sealed record SentMarker(string Id, string Type, string Destination, string OrderNumber, DateTimeOffset SentAt);
}

/// <summary>
/// Paid orders with a Google click id, read from the <c>orders</c> container: a cross-partition query on the paid flag
/// and the payment time (text order is time order: times are stored in UTC, one format), the attribution filtered here.
/// </summary>
public sealed class CosmosAttributedOrderReader(ShopContainers containers) : IAttributedOrderReader
{
    public async Task<IReadOnlyList<GoogleAdsConversion>> ListGoogleAdsConversionsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var query = new QueryDefinition(
                "SELECT c.status AS status, c[\"order\"].number AS number, c[\"order\"].paidAt AS paidAt, c[\"order\"].pricing.total AS total, c[\"order\"].attribution AS attribution FROM c " +
                "WHERE c.type = @type AND c.everPaid = true AND c[\"order\"].paidAt >= @from AND c[\"order\"].paidAt < @to")
            .WithParameter("@type", "order").WithParameter("@from", from.ToUniversalTime()).WithParameter("@to", to.ToUniversalTime());
        var rows = new List<PaidRow>();
        using var feed = containers.Orders.GetItemQueryIterator<PaidRow>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 500 });
        while (feed.HasMoreResults) rows.AddRange(await feed.ReadNextAsync(ct));
        return rows
            .Where(r => r.Attribution?.LatestGclid is not null && r.PaidAt is not null && r.Status is not (OrderStatus.Cancelled or OrderStatus.Refunded))
            .OrderBy(r => r.PaidAt).ThenBy(r => r.Number, StringComparer.Ordinal)
            .Select(r => new GoogleAdsConversion(r.Attribution!.LatestGclid!, r.Number, r.PaidAt!.Value, r.Total))
            .ToList();
    }

    private sealed record PaidRow(OrderStatus Status, string Number, DateTimeOffset? PaidAt, Money Total, CartAttribution? Attribution);
}

/// <summary>
/// Google Ads' offline-conversion upload file (the "Conversions from clicks" CSV template): a parameters line giving the
/// time zone, then the columns Google Click ID, Conversion Name, Conversion Time, Conversion Value, Conversion Currency.
/// Times are UTC ("yyyy-MM-dd HH:mm:ss", with TimeZone=+0000). Test: GoogleAdsConversionExportTests.
/// </summary>
public static class GoogleAdsConversionCsv
{
    public static readonly IReadOnlyList<string> Columns = ["Google Click ID", "Conversion Name", "Conversion Time", "Conversion Value", "Conversion Currency"];

    public static string Render(GoogleAdsConversionExport export)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        text.WriteLine("Parameters:TimeZone=+0000");
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true))
        {
            csv.WriteRecord([.. Columns]);
            foreach (var c in export.Conversions)
                csv.WriteRecord(
                [
                    c.Gclid, export.ConversionName,
                    c.ConversionTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    c.Value.Amount.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture), c.Value.Currency,
                ]);
        }
        return text.ToString();
    }
}
