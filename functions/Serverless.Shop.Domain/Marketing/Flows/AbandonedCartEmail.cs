using System.Net;
using System.Text;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// The abandoned-cart reminder: what is in the cart at today's prices, a link that opens it again (UTM-tagged, so the
/// orders it brings are attributed to the flow), and the unsubscribe link's place in the body
/// (<see cref="CampaignTemplates.UnsubscribeTag"/>, which <see cref="FlowEmails"/> fills in and puts in List-Unsubscribe).
/// Text and HTML, every value HTML-encoded.
/// </summary>
public static class AbandonedCartEmail
{
    public static RenderedEmail Compose(MarketingRecipient recipient, int reminder, PricedCart cart, Uri restoreLink)
    {
        var link = WithUtm(restoreLink, reminder);
        var lines = cart.Lines.Where(l => l.Problem is null).ToList();
        var subject = reminder == 1 ? "You left something in your cart" : "Your cart is still waiting for you";
        var greeting = recipient.FirstName is { Length: > 0 } name ? $"Hello {name}," : "Hello,";
        var intro = reminder == 1
            ? "you left these in your cart. They are still there for you:"
            : "your cart is still saved, but we cannot hold it for ever:";

        var text = new StringBuilder()
            .Append(greeting).Append("\n\n").Append(intro).Append("\n\n")
            .AppendJoin("", lines.Select(l => $"  {l.Quantity} x {l.Name}   {OrderEmails.Format(l.Total)}\n"))
            .Append("\n  Total:  ").Append(OrderEmails.Format(cart.Total)).Append("\n\n")
            .Append("Open your cart: ").Append(link.AbsoluteUri).Append("\n\n")
            .Append("You get this because you agreed to emails from us. Unsubscribe: ").Append(CampaignTemplates.UnsubscribeTag).Append('\n')
            .ToString();

        var html = new StringBuilder()
            .Append("<!doctype html><html><body style=\"font-family:sans-serif\">")
            .Append("<p>").Append(Encode(greeting)).Append("</p><p>").Append(Encode(intro)).Append("</p><table>")
            .AppendJoin("", lines.Select(l => $"<tr><td>{l.Quantity} &times; {Encode(l.Name)}</td><td style=\"text-align:right\">{Encode(OrderEmails.Format(l.Total))}</td></tr>"))
            .Append("<tr><th style=\"text-align:left\">Total</th><th style=\"text-align:right\">").Append(Encode(OrderEmails.Format(cart.Total))).Append("</th></tr></table>")
            .Append("<p><a href=\"").Append(Encode(link.AbsoluteUri)).Append("\">Open your cart</a></p>")
            .Append("<p><small>You get this because you agreed to emails from us. <a href=\"").Append(CampaignTemplates.UnsubscribeTag).Append("\">Unsubscribe</a></small></p>")
            .Append("</body></html>")
            .ToString();

        return new RenderedEmail(subject, html, text);
    }

    /// <summary>The link with the flow's UTM tags, so analytics and attribution see where the visit came from.</summary>
    public static Uri WithUtm(Uri link, int reminder)
    {
        var utm = $"utm_source=shop&utm_medium=email&utm_campaign={RemindAbandonedCarts.FlowId}&utm_content=reminder-{reminder}";
        var builder = new UriBuilder(link) { Query = string.IsNullOrEmpty(link.Query) ? utm : link.Query.TrimStart('?') + "&" + utm };
        return builder.Uri;
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
