using System.Text;
using CsvHelper;
using Serverless.Shop.Domain.Marketing.Feeds;

namespace Serverless.Shop.Infrastructure.Marketing.Feeds;

/// <summary>
/// The Meta (Facebook and Instagram) catalog feed: CSV with a header row of Meta's field names, one row per variant.
/// Availability is "in stock"/"out of stock", prices "12.50 EUR", several additional image links comma-separated in
/// one field. CsvHelper quotes every field that needs it, so a comma or quote in a title cannot shift a column.
/// Tests: MetaCatalogFeedFormatTests.
/// </summary>
public sealed class MetaCatalogFeedFormat : IProductFeedFormat
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "id", "item_group_id", "title", "description", "availability", "condition", "price", "sale_price", "sale_price_effective_date",
        "link", "image_link", "additional_image_link", "brand", "gtin", "mpn", "product_type",
    ];

    public string Format => "meta";
    public string FileName => "meta.csv";
    public string ContentType => "text/csv; charset=utf-8";

    public byte[] Render(ProductFeed feed)
    {
        using var buffer = new MemoryStream();
        using (var text = new StreamWriter(buffer, new UTF8Encoding(false)))
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: false))
        {
            csv.WriteRecord([.. Columns]);
            foreach (var item in feed.Items)
                csv.WriteRecord(
                [
                    item.Id, item.ItemGroupId, item.Title, item.Description,
                    item.Availability == FeedAvailability.InStock ? "in stock" : "out of stock",
                    FeedItem.Condition, FeedValues.Price(item.Price),
                    item.SalePrice is { } sale ? FeedValues.Price(sale) : "",
                    item.SalePrice is null ? "" : FeedValues.SaleWindow(item, feed.GeneratedAt) ?? "",
                    item.Link, item.ImageLink, string.Join(",", item.AdditionalImageLinks), item.Brand,
                    item.Gtin ?? "", item.Mpn ?? "", item.ProductType ?? "",
                ]);
        }
        return buffer.ToArray();
    }
}
