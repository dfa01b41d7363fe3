using System.Globalization;
using System.Text;
using System.Xml;
using Serverless.Shop.Domain.Marketing.Feeds;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Infrastructure.Marketing.Feeds;

/// <summary>
/// The Google Merchant Center feed: RSS 2.0 with the <c>g:</c> namespace (http://base.google.com/ns/1.0), one
/// <c>&lt;item&gt;</c> per variant. Attribute names and value formats are Google's product data specification's:
/// availability <c>in_stock</c>/<c>out_of_stock</c>, prices as "12.50 EUR", the sale window as two ISO 8601 times
/// joined by "/", and <c>identifier_exists</c> "no" for an item with neither GTIN nor MPN. The channel is the
/// storefront's name and address (<c>Storefront:ShopName</c>, <c>Storefront:PublicBaseUrl</c>). Tests: ProductFeedFormatTests.
/// </summary>
public sealed class GoogleMerchantFeedFormat(StorefrontSite storefront) : IProductFeedFormat
{
    public const string Namespace = "http://base.google.com/ns/1.0";

    public string Format => "google";
    public string FileName => "google.xml";
    public string ContentType => "application/xml; charset=utf-8";

    public byte[] Render(ProductFeed feed)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("rss");
            xml.WriteAttributeString("version", "2.0");
            xml.WriteAttributeString("xmlns", "g", null, Namespace);
            xml.WriteStartElement("channel");
            var site = storefront.Settings;
            xml.WriteElementString("title", site.ShopName);
            xml.WriteElementString("link", site.PublicBaseUrl.AbsoluteUri);
            xml.WriteElementString("description", $"{site.ShopName} products, {feed.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");
            foreach (var item in feed.Items) WriteItem(xml, item, feed.GeneratedAt);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return buffer.ToArray();
    }

    private static void WriteItem(XmlWriter xml, FeedItem item, DateTimeOffset generatedAt)
    {
        void G(string name, string? value)
        {
            if (value is not null) xml.WriteElementString("g", name, Namespace, value);
        }
        xml.WriteStartElement("item");
        G("id", item.Id);
        G("item_group_id", item.ItemGroupId);
        G("title", item.Title);
        G("description", item.Description);
        G("link", item.Link);
        G("image_link", item.ImageLink);
        foreach (var more in item.AdditionalImageLinks) G("additional_image_link", more);
        G("availability", item.Availability == FeedAvailability.InStock ? "in_stock" : "out_of_stock");
        G("price", FeedValues.Price(item.Price));
        if (item.SalePrice is { } sale)
        {
            G("sale_price", FeedValues.Price(sale));
            G("sale_price_effective_date", FeedValues.SaleWindow(item, generatedAt));
        }
        G("brand", item.Brand);
        G("gtin", item.Gtin);
        G("mpn", item.Mpn);
        if (!item.HasIdentifier) G("identifier_exists", "no");
        G("condition", FeedItem.Condition);
        G("product_type", item.ProductType);
        xml.WriteEndElement();
    }
}

/// <summary>Value formats both platforms share.</summary>
internal static class FeedValues
{
    /// <summary>"12.50 EUR": the amount with its currency's decimals and a point, then the ISO 4217 code.</summary>
    public static string Price(Domain.Common.Money money) =>
        money.Amount.ToString("0.00##", CultureInfo.InvariantCulture) + " " + money.Currency;

    /// <summary>
    /// "start/end" in ISO 8601 (with offset), as both platforms take sale_price_effective_date; null when the sale has no
    /// end (it holds until the feed says otherwise). A sale without a start began no later than the feed was made.
    /// </summary>
    public static string? SaleWindow(FeedItem item, DateTimeOffset generatedAt) =>
        item.SaleEndsAt is { } end ? $"{Iso(item.SaleStartsAt ?? generatedAt)}/{Iso(end)}" : null;

    private static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
