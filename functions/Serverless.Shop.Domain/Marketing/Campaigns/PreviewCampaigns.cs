using System.Net.Mail;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>What staff see before a send: a campaign rendered for a sample recipient or a named customer, and a test email to themselves.</summary>
public sealed class PreviewCampaigns(
    ManageCampaigns campaigns, CampaignContentSource content, IUnsubscribeLinks unsubscribe, IBulkEmailSender sender, StorefrontSite storefront)
{
    /// <summary>The campaign id a test email reports under, so its opens and clicks never count in the campaign's results.</summary>
    public static string TestCampaignId(string campaignId) => campaignId + ":test";

    public async Task<RenderedEmail> PreviewAsync(string id, PreviewInput input, CancellationToken ct)
    {
        var campaign = (await campaigns.GetAsync(id, ct)).Value;
        var v = new Validator();
        v.Check(input.Email is null || MailAddress.TryCreate(input.Email, out _), "email", "is not an email address.");
        v.MaxLength(input.FirstName, 100, "firstName");
        v.Check(input.CustomerId is null || input.CustomerId.Length is > 0 and <= 200, "customerId", "is not a customer id.");
        v.ThrowIfInvalid();

        var recipient = new MarketingRecipient("preview", input.Email ?? "reader@example.com", input.CustomerId, null, input.FirstName ?? (input.CustomerId is null ? "Alex" : null));
        var rendered = await RenderAsync(campaign, recipient, ct);
        var link = unsubscribe.For(recipient, campaign.Id).AbsoluteUri;
        return new RenderedEmail(rendered.Subject, rendered.Html.Replace(CampaignTemplates.UnsubscribeTag, link, StringComparison.Ordinal),
            rendered.Text.Replace(CampaignTemplates.UnsubscribeTag, link, StringComparison.Ordinal));
    }

    /// <summary>Sends the campaign, rendered for a sample recipient, to <paramref name="staffEmail"/> only: the caller's own address from their sign-in.</summary>
    public async Task<string> SendTestAsync(string id, string? staffEmail, CancellationToken ct)
    {
        var campaign = (await campaigns.GetAsync(id, ct)).Value;
        if (staffEmail is null || !MailAddress.TryCreate(staffEmail, out _))
            throw new BusinessRuleViolationException("Your sign-in carries no email address (claim email, preferred_username or upn), so a test has nowhere to go.", "email");
        var recipient = new MarketingRecipient("staff-test", staffEmail, null, null, "Alex");
        var rendered = await RenderAsync(campaign, recipient, ct);
        var link = unsubscribe.For(recipient, TestCampaignId(campaign.Id));
        await sender.SendAsync(new MarketingEmail(TestCampaignId(campaign.Id), 0, "[Test] " + rendered.Subject, rendered.Html, rendered.Text,
            [new MarketingRecipientEmail(staffEmail, link, new Dictionary<string, string> { [CampaignTemplates.UnsubscribeTag] = link.AbsoluteUri },
                new Dictionary<string, string> { [EmailCustomArgs.CampaignId] = TestCampaignId(campaign.Id), [EmailCustomArgs.RecipientKey] = recipient.Key })]), ct);
        return staffEmail;
    }

    private async Task<RenderedEmail> RenderAsync(Campaign campaign, MarketingRecipient recipient, CancellationToken ct)
    {
        var linkBase = storefront.Settings.PublicBaseUrl; // product links go to the storefront's pages
        var products = await content.ProductsAsync(campaign, ct);
        var reader = await content.RecipientAsync(campaign, recipient.FirstName, recipient.Email, recipient.CustomerId, new RecommendationCache(), ct);
        if (recipient.CustomerId is null && recipient.Key == "preview")
            reader = ManageCampaigns.SampleRecipients(products).First() with { FirstName = recipient.FirstName, Email = recipient.Email };
        try
        {
            return CampaignTemplates.Render(campaign, products, reader, linkBase);
        }
        catch (TemplateRenderException e)
        {
            throw ValidationFailedException.For(e.Field, e.Message);
        }
    }
}
