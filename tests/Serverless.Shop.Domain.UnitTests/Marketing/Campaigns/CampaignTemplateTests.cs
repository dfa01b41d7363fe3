using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.UnitTests.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

public sealed class CampaignTemplateTests
{
    private static readonly Uri LinkBase = new("https://shop.test/");
    private static readonly PersonalOffer Offer = new("GOLD-15", "offer-1", "gold", 15m, ["cat_mugs"],
        CampaignTestShop.Start, new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));

    private static Campaign With(string html, string text = "Hi", string subject = "News") => new()
    {
        Id = "cmp_1", Name = "Spring", Audience = new AudienceSpec([], true), Content = new CampaignContent(subject, html, text),
        Status = CampaignStatus.Draft, CreatedAt = CampaignTestShop.Start, UpdatedAt = CampaignTestShop.Start, UpdatedBy = "m",
    };

    private static Product Mug(string id = "prod_mug", string name = "Blue mug") => CatalogExamples.ExistingMug(id) with { Name = name, Slug = name.ToLowerInvariant().Replace(' ', '-') };

    [Fact]
    public void Renders_the_products_block_with_links_to_the_product_pages_tagged_for_the_campaign()
    {
        var html = CampaignTemplates.Render(With("{{ for p in products }}<a href=\"{{ p.url }}\">{{ p.name }}</a> {{ p.price }}{{ end }}"),
            [Mug()], new TemplateRecipient(null, null, null, []), LinkBase).Html;

        html.ShouldContain("href=\"https://shop.test/products/blue-mug?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=cmp_1\"");
        html.ShouldContain(">Blue mug</a>");
        html.ShouldContain("EUR");
    }

    [Fact]
    public void Renders_the_personal_offer_and_recommendations_of_the_recipient()
    {
        var email = CampaignTemplates.Render(
            With("{{ if offer }}Use {{ offer.code }} for {{ offer.percent }}% off until {{ offer.valid_until }}{{ end }} {{ for r in recommendations }}[{{ r.name }}]{{ end }}"),
            [], new TemplateRecipient("Ann", "ann@example.com", Offer, [Mug("prod_r", "Red bowl")]), LinkBase);

        email.Html.ShouldContain("Use GOLD-15 for 15% off until 2026-04-01");
        email.Html.ShouldContain("[Red bowl]");
    }

    [Fact]
    public void Encodes_values_put_into_the_html_so_a_name_cannot_inject_markup_but_keeps_them_as_written_in_the_text()
    {
        var email = CampaignTemplates.Render(With("<p>Hi {{ recipient.first_name }}</p>", "Hi {{ recipient.first_name }}"),
            [], new TemplateRecipient("<script>x</script>", null, null, []), LinkBase);

        email.Html.ShouldNotContain("<script>");
        email.Html.ShouldContain("&lt;script&gt;x&lt;/script&gt;");
        email.Text.ShouldStartWith("Hi <script>x</script>");
    }

    [Fact]
    public void Tags_every_http_link_keeping_its_query_and_leaves_mailto_and_links_already_tagged_alone()
    {
        var html = CampaignTemplates.TagLinks(
            "<a href=\"https://blog.example.com/post?id=7#top\">a</a><a href=\"mailto:help@shop.test\">b</a><a href=\"https://x.test/?utm_source=partner\">c</a>", "cmp_9");

        html.ShouldContain("href=\"https://blog.example.com/post?id=7&amp;utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=cmp_9#top\"");
        html.ShouldContain("href=\"mailto:help@shop.test\"");
        html.ShouldContain("href=\"https://x.test/?utm_source=partner&amp;utm_medium=email&amp;utm_campaign=cmp_9\"");
    }

    [Fact]
    public void Adds_the_unsubscribe_link_to_both_bodies_when_the_template_leaves_it_out()
    {
        var email = CampaignTemplates.Render(With("<p>Hello</p>", "Hello"), [], new TemplateRecipient(null, null, null, []), LinkBase);

        email.Html.ShouldContain($"href=\"{CampaignTemplates.UnsubscribeTag}\"");
        email.Text.ShouldContain(CampaignTemplates.UnsubscribeTag);
    }

    [Fact]
    public void Keeps_the_unsubscribe_link_where_the_template_puts_it_and_adds_no_second_one()
    {
        var email = CampaignTemplates.Render(With("<a href=\"{{ unsubscribe_url }}\">Stop</a>", "Stop: {{ unsubscribe_url }}"), [], new TemplateRecipient(null, null, null, []), LinkBase);

        email.Html.Split(CampaignTemplates.UnsubscribeTag).Length.ShouldBe(2);
        email.Text.ShouldBe($"Stop: {CampaignTemplates.UnsubscribeTag}");
    }

    [Fact]
    public void A_template_that_does_not_parse_is_reported_on_its_field()
    {
        var failure = Should.Throw<TemplateRenderException>(() =>
            CampaignTemplates.Render(With("<p>{{ for p in products }}</p>"), [], new TemplateRecipient(null, null, null, []), LinkBase));
        failure.Field.ShouldBe("content.html");
        failure.Message.ShouldContain("does not parse");
    }

    [Fact]
    public void An_unknown_variable_fails_to_render_rather_than_sending_an_empty_value()
    {
        var failure = Should.Throw<TemplateRenderException>(() =>
            CampaignTemplates.Render(With("<p>Hi</p>", subject: "{{ prodcts }}"), [], new TemplateRecipient(null, null, null, []), LinkBase));
        failure.Field.ShouldBe("content.subject");
    }

    [Fact]
    public void A_subject_is_one_line()
    {
        CampaignTemplates.Render(With("x", subject: "Spring\r\nBcc: everyone"), [], new TemplateRecipient(null, null, null, []), LinkBase)
            .Subject.ShouldBe("Spring Bcc: everyone");
    }
}
