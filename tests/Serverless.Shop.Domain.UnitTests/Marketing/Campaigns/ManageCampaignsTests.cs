using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

public sealed class ManageCampaignsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Creates_a_draft_with_its_audience_content_and_blocks()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(1));
        shop.Products.Add(CatalogExamples.ExistingMug("prod_a"));

        var created = await shop.Manage.CreateAsync(CampaignTestShop.Input() with
        {
            Audience = new AudienceInput(["vip"], false), Products = new ProductsInput(["prod_a"], null), PersonalOffer = true, Recommendations = 4,
        }, CampaignTestShop.Marketer, None);

        created.Value.Status.ShouldBe(CampaignStatus.Draft);
        created.Value.Id.ShouldStartWith("cmp_");
        created.Value.Audience.Segments.ShouldBe(["vip"]);
        created.Value.Products.ProductIds.ShouldBe(["prod_a"]);
        (created.Value.PersonalOffer, created.Value.Recommendations).ShouldBe((true, 4));
        shop.Store.Current(created.Value.Id).Value.ShouldBe(created.Value);
    }

    [Fact]
    public async Task Refuses_every_bad_field_at_once_and_stores_nothing()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(1));

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => shop.Manage.CreateAsync(new CampaignInput(
            "", new AudienceInput(["gold-buyers"], false), new ContentInput("", "<p>{{ if }}</p>", null), new ProductsInput(["prod_a"], 3), null, 40), CampaignTestShop.Marketer, None));

        failure.ShouldReport("name").ShouldReport("audience.segments[0]", "not a segment").ShouldReport("content.subject").ShouldReport("content.text")
            .ShouldReport("products", "not both").ShouldReport("recommendations");
        (await shop.Store.ListAsync(null, new PageRequest(10, null), None)).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_audience_that_names_nobody_is_refused_at_save()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(1));
        (await Should.ThrowAsync<ValidationFailedException>(() => shop.Manage.CreateAsync(CampaignTestShop.Input() with { Audience = new AudienceInput([], false) }, CampaignTestShop.Marketer, None)))
            .ShouldReport("audience", "names nobody");
    }

    [Fact]
    public async Task A_product_the_catalog_does_not_have_is_refused_on_its_index()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(1));
        shop.Products.Add(CatalogExamples.ExistingMug("prod_a"));
        (await Should.ThrowAsync<ValidationFailedException>(() => shop.Manage.CreateAsync(CampaignTestShop.Input() with { Products = new ProductsInput(["prod_a", "prod_gone"], null) }, CampaignTestShop.Marketer, None)))
            .ShouldReport("products.productIds[1]", "not a product");
    }

    [Fact]
    public async Task A_template_that_fails_for_a_reader_without_an_offer_is_refused_at_save_not_found_at_send()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(1));
        // offer.code on a recipient without an offer: the second sample recipient has none.
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => shop.Manage.CreateAsync(
            CampaignTestShop.Input(html: "<p>{{ offer.code | string.upcase }}</p>") with { PersonalOffer = true }, CampaignTestShop.Marketer, None));
        failure.ShouldReport("content.html", "does not render");
    }

    [Fact]
    public async Task Scheduling_an_audience_nobody_may_be_emailed_in_is_a_conflict_that_says_how_many()
    {
        var audience = FakeAudience.Of(2);
        audience.Suppress("r000@example.com");
        audience.Suppress("r001@example.com");
        var shop = new CampaignTestShop(audience);
        var created = await shop.Manage.CreateAsync(CampaignTestShop.Input(), CampaignTestShop.Marketer, None);

        var conflict = await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            shop.Manage.ScheduleAsync(created.Value.Id, new ScheduleInput(CampaignTestShop.Start.AddHours(1), null, null), CampaignTestShop.Marketer, None));

        conflict.Message.ShouldContain("holds 0 people");
        conflict.Field.ShouldBe("audience");
        shop.Store.Current(created.Value.Id).Value.Status.ShouldBe(CampaignStatus.Draft);
    }

    [Fact]
    public async Task Only_a_draft_changes_and_a_change_needs_its_version()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(1));
        var created = await shop.Manage.CreateAsync(CampaignTestShop.Input(), CampaignTestShop.Marketer, None);

        await Should.ThrowAsync<VersionRequiredException>(() => shop.Manage.UpdateAsync(created.Value.Id, CampaignTestShop.Input(), null, CampaignTestShop.Marketer, None));
        await Should.ThrowAsync<StaleVersionException>(() => shop.Manage.UpdateAsync(created.Value.Id, CampaignTestShop.Input(), "v0", CampaignTestShop.Marketer, None));
        var updated = await shop.Manage.UpdateAsync(created.Value.Id, CampaignTestShop.Input(subject: "Changed"), created.Version, CampaignTestShop.Marketer, None);
        updated.Value.Content.Subject.ShouldBe("Changed");

        var scheduled = await shop.Manage.ScheduleAsync(created.Value.Id, new ScheduleInput(CampaignTestShop.Start.AddHours(1), null, null), CampaignTestShop.Marketer, None);
        (await Should.ThrowAsync<BusinessRuleViolationException>(() => shop.Manage.UpdateAsync(created.Value.Id, CampaignTestShop.Input(), scheduled.Version, CampaignTestShop.Marketer, None)))
            .Message.ShouldContain("Only a draft");
    }

    [Fact]
    public async Task A_sent_campaign_cannot_be_cancelled()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(2), batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();
        await shop.RunAsync(campaign.Id);

        await Should.ThrowAsync<BusinessRuleViolationException>(() => shop.Manage.CancelAsync(campaign.Id, CampaignTestShop.Marketer, None));
        shop.Store.Current(campaign.Id).Value.Status.ShouldBe(CampaignStatus.Sent);
    }

    [Fact]
    public async Task A_preview_for_a_named_customer_shows_their_offer_and_the_real_unsubscribe_link()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(1));
        shop.Personalization.Offers["cust-1"] = new Domain.Loyalty.PersonalOffer("ANN-10", "offer-ann", "silver", 10m, [], CampaignTestShop.Start, CampaignTestShop.Start.AddDays(30));
        var created = await shop.Manage.CreateAsync(CampaignTestShop.Input(html: "<p>{{ if offer }}{{ offer.code }}{{ else }}no offer{{ end }}</p>") with { PersonalOffer = true }, CampaignTestShop.Marketer, None);

        var preview = await shop.Preview.PreviewAsync(created.Value.Id, new PreviewInput("ann@example.com", "Ann", "cust-1"), None);

        preview.Html.ShouldContain("ANN-10");
        preview.Html.ShouldNotContain(CampaignTemplates.UnsubscribeTag);
        preview.Html.ShouldContain("https://shop.test/unsubscribe/preview");
    }

    [Fact]
    public async Task A_test_goes_to_the_staff_member_alone_and_reports_under_its_own_campaign_id()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(5));
        var created = await shop.Manage.CreateAsync(CampaignTestShop.Input(), CampaignTestShop.Marketer, None);

        await shop.Preview.SendTestAsync(created.Value.Id, "marketer@shop.test", None);

        var sent = shop.Sender.Sent.ShouldHaveSingleItem();
        sent.Recipients.ShouldHaveSingleItem().Email.ShouldBe("marketer@shop.test");
        sent.Subject.ShouldStartWith("[Test] ");
        sent.CampaignId.ShouldBe(created.Value.Id + ":test");
        await Should.ThrowAsync<BusinessRuleViolationException>(() => shop.Preview.SendTestAsync(created.Value.Id, null, None));
    }
}
