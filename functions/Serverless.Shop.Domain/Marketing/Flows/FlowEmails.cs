using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// How every flow sends a step: the step's message rendered with the campaign templates (product links to the
/// storefront, UTM-tagged with the flow's id), the recipient's unsubscribe link in the body and in List-Unsubscribe with
/// RFC 8058 one-click, the flow's id and the recipient's key as custom args (so the Event Webhook counts its events
/// for the flow), and the send counted in the flow's results. The caller has claimed the step before (send at most once).
/// </summary>
public sealed class FlowEmails(CampaignContentSource content, IUnsubscribeLinks unsubscribe, IEmailSender email, IEmailEngagementCounters counters, StorefrontSite storefront)
{
    /// <summary>Renders step <paramref name="step"/>'s message for <paramref name="recipient"/> and sends it.</summary>
    /// <param name="products">The <c>products</c> block when the flow picks them (back in stock: the product); null: the message's own block.</param>
    /// <exception cref="NotConfiguredException">The storefront's address is not configured: nothing is sent.</exception>
    /// <exception cref="TemplateRenderException">The message does not render for this recipient (it rendered for the samples at save).</exception>
    public async Task SendAsync(FlowDefinition flow, int step, FlowMessage message, MarketingRecipient recipient, IReadOnlyList<Product>? products, CancellationToken ct)
    {
        var linkBase = storefront.Settings.PublicBaseUrl;
        var campaign = message.AsCampaign(flow.FlowId, flow.Name);
        var shown = products ?? await content.ProductsAsync(campaign, ct);
        var reader = await content.RecipientAsync(campaign, recipient.FirstName, recipient.Email, recipient.CustomerId, new RecommendationCache(), ct);
        var rendered = CampaignTemplates.Render(campaign, shown, reader, linkBase);
        await SendRenderedAsync(flow.FlowId, step, rendered, recipient, ct);
    }

    /// <summary>Sends an email the flow built itself (the abandoned-cart reminder) with the same headers, custom args and count.</summary>
    public async Task SendRenderedAsync(string flowId, int step, RenderedEmail rendered, MarketingRecipient recipient, CancellationToken ct)
    {
        await email.SendAsync(Compose(flowId, step, rendered, recipient, unsubscribe.For(recipient, flowId)), ct);
        await counters.CountAsync(flowId, EngagementKind.Sent, ct);
    }

    /// <summary>The email for one recipient: the unsubscribe tag replaced by their link, the marketing headers and custom args set.</summary>
    public static EmailMessage Compose(string flowId, int step, RenderedEmail rendered, MarketingRecipient recipient, Uri unsubscribeLink)
    {
        var link = unsubscribeLink.AbsoluteUri;
        return new EmailMessage([recipient.Email], rendered.Subject,
            rendered.Text.Replace(CampaignTemplates.UnsubscribeTag, link, StringComparison.Ordinal),
            rendered.Html.Replace(CampaignTemplates.UnsubscribeTag, link, StringComparison.Ordinal))
        {
            Headers = new Dictionary<string, string>
            {
                ["List-Unsubscribe"] = $"<{link}>",
                ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
            },
            CustomArgs = new Dictionary<string, string>
            {
                [EmailCustomArgs.CampaignId] = flowId,
                [EmailCustomArgs.RecipientKey] = recipient.Key,
                [FlowStepArg] = step.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>The custom arg that says which step of a flow an email was.</summary>
    public const string FlowStepArg = "flow_step";
}
