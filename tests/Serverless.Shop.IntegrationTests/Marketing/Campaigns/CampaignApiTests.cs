using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Http;

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
    public async Task A_scheduled_campaign_arrives_rendered_in_the_mailbox_once_per_subscriber_with_one_click_unsubscribe_and_utm_links()
    {
        var prefix = TestCatalog.Unique("spring");
        var segment = CampaignShopFixture.Segments[0];
        var subscribers = fixture.AddSubscribers(prefix, 7, segment);
        var product = await new TestCatalog(fixture).CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Tulip vase"), price: 24.5m));
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
        var mail = mails.First(m => m.To == subscribers[0]);
        mail.Header("Subject").ShouldBe("Spring news");
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
        var unsubscribe = mail.Header("List-Unsubscribe")!.Trim('<', '>');
        unsubscribe.ShouldContain(Uri.EscapeDataString("key-" + subscribers[0]));
        mail.Header("X-Recipient-Key").ShouldBe("key-" + subscribers[0]);
        mail.Text.ShouldContain($"href=\"{unsubscribe}\"");
        mail.Text.ShouldContain($"https://shop.example/products/{product.Slug}?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign={id}");
        mail.Text.ShouldContain($"https://blog.example/spring?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign={id}");
        mail.Text.ShouldContain("24.50 EUR");
        mail.Text.ShouldContain("Hello Reader");

        var after = await (await _marketer.GetAsync($"api/campaigns/{id}")).JsonAsync();
        after.GetProperty("status").GetString().ShouldBe("sent");
        var results = await (await _marketer.GetAsync($"api/campaigns/{id}/results")).JsonAsync();
        results.GetProperty("sent").GetInt64().ShouldBe(7);
        results.GetProperty("unconfirmed").GetInt64().ShouldBe(0);

        // The timer running again sends nobody anything more.
        await fixture.SendDueCampaignsAsync();
        fixture.Mailbox(id).Count.ShouldBe(7);
    }

    [Fact]
    public async Task Results_add_what_the_event_webhook_reported_to_what_was_sent()
    {
        var id = (await CreateAsync(_marketer, Body(CampaignShopFixture.Segments[1]))).GetProperty("id").GetString()!;
        fixture.ReportEngagement(id, new Domain.Marketing.Audiences.EmailEngagement(5, 4, 3, 1, 2, 0));

        var results = await (await _marketer.GetAsync($"api/campaigns/{id}/results")).JsonAsync();

        (results.GetProperty("delivered").GetInt64(), results.GetProperty("opened").GetInt64(), results.GetProperty("clicked").GetInt64(),
            results.GetProperty("bounced").GetInt64(), results.GetProperty("unsubscribed").GetInt64()).ShouldBe((5L, 4L, 3L, 1L, 2L));
        results.GetProperty("sent").GetInt64().ShouldBe(0);
        results.GetProperty("status").GetString().ShouldBe("draft");
    }

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
        var subscribers = fixture.AddSubscribers(TestCatalog.Unique("testsend"), 2, CampaignShopFixture.Segments[4]);
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
        fixture.AddSubscribers(TestCatalog.Unique("cancel"), 2, CampaignShopFixture.Segments[5]);
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
