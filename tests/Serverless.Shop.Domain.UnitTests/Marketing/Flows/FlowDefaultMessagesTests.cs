using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.UnitTests.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// The default emails of the welcome series and win-back render for every kind of reader (named or not, with an offer
/// or not, with products or none), leave no template tag behind, and carry the unsubscribe link the sender fills in.
/// </summary>
public sealed class FlowDefaultMessagesTests
{
    private static readonly Uri LinkBase = new("https://shop.test/");
    private static readonly PersonalOffer Offer = new("YOU-0123456789", "promo_1", "Silver", 10m, ["cat_lamps"], DateTimeOffset.UnixEpoch, new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero));
    private static readonly Product Mug = CatalogExamples.ExistingMug("prod_mug") with { Name = "Speckled mug", Slug = "speckled-mug" };

    public static TheoryData<string, int> Steps() => new()
    {
        { WelcomeSeries.FlowId, 0 }, { WelcomeSeries.FlowId, 1 }, { WelcomeSeries.FlowId, 2 },
        { WinBackFlow.FlowId, 0 }, { WinBackFlow.FlowId, 1 },
    };

    private static FlowDefinition Flow(string flowId) => flowId == WelcomeSeries.FlowId ? WelcomeSeries.Definition : WinBackFlow.Definition;

    [Theory]
    [MemberData(nameof(Steps))]
    public void Each_default_step_renders_for_a_named_reader_with_an_offer_and_for_an_unnamed_one_without(string flowId, int index)
    {
        var message = Flow(flowId).DefaultSteps[index].Message.ShouldNotBeNull();
        var campaign = message.AsCampaign(flowId, Flow(flowId).Name);

        var named = CampaignTemplates.Render(campaign, [Mug], new TemplateRecipient("Ada", "ada@example.com", Offer, [Mug]), LinkBase);
        var unnamed = CampaignTemplates.Render(campaign, [], new TemplateRecipient(null, null, null, []), LinkBase);

        foreach (var email in new[] { named, unnamed })
        {
            (email.Subject + email.Html + email.Text).ShouldNotContain("{{");
            email.Html.ShouldContain(CampaignTemplates.UnsubscribeTag);
            email.Text.ShouldContain(CampaignTemplates.UnsubscribeTag);
            email.Text.ShouldContain("https://shop.test/");
        }
        named.Text.ShouldStartWith("Hi Ada,");
        unnamed.Text.ShouldStartWith("Hello,");
        unnamed.Text.ShouldNotContain("% off");
        named.Html.ShouldContain("https://shop.test/products/speckled-mug?utm_source=newsletter");
        if (message.PersonalOffer) named.Text.ShouldContain("10% off", Case.Sensitive, "the offer block shows the reader's offer");
    }
}
