using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.IntegrationTests.Http;
using Serverless.Shop.IntegrationTests.Marketing.Audiences;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

[Collection(CampaignShopCollection.Name)]
public sealed class CampaignApiTests(CampaignShopFixture fixture)
{
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    public static object Body(string segment, string subject = "Spring news", string? html = null, string? text = null, object? products = null,
        bool personalOffer = false, int recommendations = 0) => new
    {
        name = "Spring " + Guid.NewGuid().ToString("N")[..6],
        audience = new { segments = new[] { segment }, newsletterSubscribers = false },
        content = new
        {
            subject,
            html = html ?? "<h1>Hello {{ recipient.first_name }}</h1>{{ for p in products }}<p><a href=\"{{ p.url }}\">{{ p.name }}</a> {{ p.price }}</p>{{ end }}<p><a href=\"https://blog.example/spring\">Read more</a></p>",
            text = text ?? "Hello {{ recipient.first_name }}\n{{ for p in products }}{{ p.name }}: {{ p.url }}\n{{ end }}",
        },
        products,
        personalOffer,
        recommendations,
    };

    internal static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("api/campaigns", body);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        response.Headers.Location!.ToString().ShouldBe($"/api/campaigns/{json.GetProperty("id").GetString()}");
        return json;
    }

    [Fact]
    public async Task A_scheduled_campaign_arrives_rendered_in_the_mailbox_once_per_consented_customer_with_one_click_unsubscribe_and_utm_links()
    {
        var prefix = TestCatalog.Unique("spring");
        var segment = CampaignShopFixture.Segments[0];
        var subscribers = await fixture.AddCustomersAsync(prefix, 7, segment);
        var unconsented = await fixture.AddCustomersAsync(prefix + "-no", 1, segment, emailConsent: false);
        var productName = TestCatalog.Unique("Tulip vase");
        var product = await new TestCatalog(fixture).CreateProductAsync(TestCatalog.ProductBody(productName, price: 24.5m));
        var created = await CreateAsync(_marketer, Body(segment, products: new { productIds = new[] { product.Id } }));
        var id = created.GetProperty("id").GetString()!;
        created.GetProperty("status").GetString().ShouldBe("draft");

        var schedule = await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { sendAt = DateTimeOffset.UtcNow.AddSeconds(1) });
        var scheduled = await schedule.JsonAsync();
        schedule.StatusCode.ShouldBe(HttpStatusCode.OK, scheduled.ToString());
        scheduled.GetProperty("status").GetString().ShouldBe("scheduled");
        await Task.Delay(1200);
        await fixture.SendDueCampaignsAsync();

        var mails = fixture.Mailbox(id);
        mails.Select(m => m.To).Order().ShouldBe(subscribers);
        mails.Select(m => m.To).ShouldNotContain(unconsented[0]);
        var mail = mails.First(m => m.To == subscribers[0]);
        mail.Header("Subject").ShouldBe("Spring news");
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
        mail.Header("X-Recipient-Key").ShouldBe(await Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, subscribers[0], default));
        var unsubscribe = mail.Header("List-Unsubscribe")!.Trim('<', '>');
        mail.Text.ShouldContain($"href=\"{unsubscribe}\"");
        mail.Text.ShouldContain($"https://blog.example/spring?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign={id}");
        mail.Text.ShouldContain("24.50 EUR");
        mail.Text.ShouldContain("Hello Reader");

        // The product link is the storefront's product page (Storefront:PublicBaseUrl), UTM-tagged, and it serves the page.
        var productLink = Regex.Match(mail.Text, $"href=\"(?<url>http[^\"]*/products/{Regex.Escape(product.Slug)}\\?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign={id})\"");
        productLink.Success.ShouldBeTrue("the email links to the product's page");
        var productPage = new Uri(productLink.Groups["url"].Value.Replace("&amp;", "&", StringComparison.Ordinal));
        productPage.ShouldBe(Service<StorefrontSite>().Settings.UrlOf(StorefrontPaths.Product(product.Slug) + productPage.Query));
        productPage.AbsolutePath.ShouldBe($"/api/storefront/products/{product.Slug}");
        var page = await fixture.Client().GetAsync(productPage.PathAndQuery.TrimStart('/'));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain(productName);

        var after = await (await _marketer.GetAsync($"api/campaigns/{id}")).JsonAsync();
        after.GetProperty("status").GetString().ShouldBe("sent");
        var results = await (await _marketer.GetAsync($"api/campaigns/{id}/results")).JsonAsync();
        results.GetProperty("sent").GetInt64().ShouldBe(7);
        results.GetProperty("unconfirmed").GetInt64().ShouldBe(0);

        // The timer running again sends nobody anything more.
        await fixture.SendDueCampaignsAsync();
        fixture.Mailbox(id).Count.ShouldBe(7);

        // The List-Unsubscribe link, POSTed one-click as a mail client does (RFC 8058), unsubscribes through the real route.
        (await Service<IMarketingAudience>().MaySendAsync(subscribers[0], default)).ShouldBeTrue();
        var unsubscribeLink = new Uri(unsubscribe);
        unsubscribeLink.Authority.ShouldBe(fixture.Shop.BaseAddress.Authority);
        var oneClick = await fixture.Client().PostAsync(unsubscribeLink.PathAndQuery.TrimStart('/'), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        oneClick.StatusCode.ShouldBe(HttpStatusCode.OK, await oneClick.Content.ReadAsStringAsync());
        (await Service<IMarketingAudience>().MaySendAsync(subscribers[0], default)).ShouldBeFalse();
        (await Service<IMarketingAudience>().MaySendAsync(subscribers[1], default)).ShouldBeTrue("only the one recipient is unsubscribed");

        // The campaign counts that unsubscribe once, though the button is pressed again (SendGrid never sees the shop's own link).
        (await fixture.Client().PostAsync(unsubscribeLink.PathAndQuery.TrimStart('/'), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await _marketer.GetAsync($"api/campaigns/{id}/results")).JsonAsync()).GetProperty("unsubscribed").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task A_campaign_to_newsletter_subscribers_reaches_those_who_confirmed_and_nobody_who_did_not()
    {
        var prefix = TestCatalog.Unique("newsletter");
        var confirmed = await fixture.AddNewsletterSubscribersAsync(prefix, 4);
        var pending = prefix.ToLowerInvariant() + "-pending@example.com";
        (await fixture.Client().PostJsonAsync("api/newsletter/subscriptions", new { email = pending })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = new
        {
            name = "Newsletter " + prefix,
            audience = new { segments = Array.Empty<string>(), newsletterSubscribers = true },
            content = new { subject = "Newsletter", html = "<p>Hello</p>", text = "Hello" },
        };
        var id = (await CreateAsync(_marketer, body)).GetProperty("id").GetString()!;
        (await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { sendAt = DateTimeOffset.UtcNow.AddSeconds(1) })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Task.Delay(1200);
        await fixture.SendDueCampaignsAsync();

        // No other test of this shop subscribes to the newsletter: the confirmed four are the whole audience.
        var to = fixture.Mailbox(id).Select(m => m.To).ToList();
        to.Order().ShouldBe(confirmed.Order(), "each confirmed subscriber once, the unconfirmed one never");
        to.ShouldNotContain(pending);
    }

    [Fact]
    public async Task Results_add_what_the_signed_event_webhook_reported_to_what_was_sent()
    {
        var id = (await CreateAsync(_marketer, Body(CampaignShopFixture.Segments[1]))).GetProperty("id").GetString()!;
        var events = new[] { ("delivered", 5), ("open", 4), ("click", 3), ("bounce", 1), ("unsubscribe", 2) }
            .SelectMany(e => Enumerable.Range(0, e.Item2).Select(_ => Event(e.Item1, id)));
        // Another campaign's events count for that campaign only.
        await fixture.ReportEventsAsync([.. events, Event("open", "cmp_" + Guid.NewGuid().ToString("N"))]);

        var results = await (await _marketer.GetAsync($"api/campaigns/{id}/results")).JsonAsync();

        (results.GetProperty("delivered").GetInt64(), results.GetProperty("opened").GetInt64(), results.GetProperty("clicked").GetInt64(),
            results.GetProperty("bounced").GetInt64(), results.GetProperty("unsubscribed").GetInt64()).ShouldBe((5L, 4L, 3L, 1L, 2L));
        results.GetProperty("sent").GetInt64().ShouldBe(0);
        results.GetProperty("status").GetString().ShouldBe("draft");
    }

    // One event as SendGrid's Event Webhook reference shows it, with the shop's custom args echoed at the top level.
    private static string Event(string type, string campaignId) =>
        $$"""{"email":"{{MarketingShopFixture.NewEmail("reader")}}","timestamp":1513299569,"event":"{{type}}","sg_event_id":"{{Guid.NewGuid():N}}","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","campaign_id":"{{campaignId}}"}""";

    private T Service<T>() where T : notnull => fixture.Shop.Services.GetRequiredService<T>();

    [Fact]
    public async Task A_draft_is_read_listed_and_changed_with_its_etag()
    {
        var created = await CreateAsync(_marketer, Body(CampaignShopFixture.Segments[2]));
        var id = created.GetProperty("id").GetString()!;
        var read = await _marketer.GetAsync($"api/campaigns/{id}");
        read.StatusCode.ShouldBe(HttpStatusCode.OK);

        var changed = await _marketer.PutJsonAsync($"api/campaigns/{id}", Body(CampaignShopFixture.Segments[2], subject: "Changed"), read.Headers.ETag!.Tag);
        var body = await changed.JsonAsync();
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("content").GetProperty("subject").GetString().ShouldBe("Changed");

        var drafts = await (await _marketer.GetAsync("api/campaigns?status=draft&pageSize=100")).JsonAsync();
        drafts.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ShouldContain(id);
    }

    [Fact]
    public async Task A_preview_renders_for_a_sample_recipient_with_the_real_unsubscribe_link()
    {
        var id = (await CreateAsync(_marketer, Body(CampaignShopFixture.Segments[3], html: "<p>Hi {{ recipient.first_name }}, {{ if offer }}use {{ offer.code }}{{ end }}</p>"))).GetProperty("id").GetString()!;

        var response = await _marketer.PostAsync($"api/campaigns/{id}/preview", null);
        var preview = await response.JsonAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, preview.ToString());
        preview.GetProperty("html").GetString()!.ShouldContain("Hi Alex");
        preview.GetProperty("html").GetString()!.ShouldContain("api/marketing/unsubscribe");
        preview.GetProperty("html").GetString()!.ShouldNotContain("%unsubscribe_url%");
        preview.GetProperty("subject").GetString().ShouldBe("Spring news");
    }

    [Fact]
    public async Task A_test_send_goes_to_the_callers_own_address_only()
    {
        var subscribers = await fixture.AddCustomersAsync(TestCatalog.Unique("testsend"), 2, CampaignShopFixture.Segments[4]);
        var client = fixture.MarketerWithEmail("marketer@shop.example");
        var id = (await CreateAsync(client, Body(CampaignShopFixture.Segments[4]))).GetProperty("id").GetString()!;

        var response = await client.PostAsync($"api/campaigns/{id}/test", null);
        var body = await response.JsonAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        body.GetProperty("sentTo").GetString().ShouldBe("marketer@shop.example");
        var mail = fixture.Mailbox(id + ":test").ShouldHaveSingleItem();
        mail.To.ShouldBe("marketer@shop.example");
        mail.Header("Subject").ShouldBe("[Test] Spring news");
        fixture.Mailbox(id).ShouldBeEmpty();
        subscribers.ShouldNotContain(mail.To);
    }

    [Fact]
    public async Task A_scheduled_campaign_can_be_cancelled_and_is_then_never_sent()
    {
        await fixture.AddCustomersAsync(TestCatalog.Unique("cancel"), 2, CampaignShopFixture.Segments[5]);
        var id = (await CreateAsync(_marketer, Body(CampaignShopFixture.Segments[5]))).GetProperty("id").GetString()!;
        (await _marketer.PostJsonAsync($"api/campaigns/{id}/schedule", new { sendAt = DateTimeOffset.UtcNow.AddSeconds(1) })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var cancel = await _marketer.PostAsync($"api/campaigns/{id}/cancel", null);
        (await cancel.JsonAsync()).GetProperty("status").GetString().ShouldBe("cancelled");
        await Task.Delay(1200);
        await fixture.SendDueCampaignsAsync();

        fixture.Mailbox(id).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ShopRoles.Merchandiser, HttpStatusCode.Forbidden)]
    [InlineData(ShopRoles.Customer, HttpStatusCode.Forbidden)]
    public async Task Only_marketers_and_admins_run_campaigns(string? role, HttpStatusCode expected)
    {
        var client = fixture.Client(role);
        await ProblemAssertions.ShouldBeProblem(await client.PostJsonAsync("api/campaigns", Body(CampaignShopFixture.Segments[6])), expected);
        await ProblemAssertions.ShouldBeProblem(await client.GetAsync("api/campaigns"), expected);
        (await fixture.Client(ShopRoles.Admin).GetAsync("api/campaigns")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
