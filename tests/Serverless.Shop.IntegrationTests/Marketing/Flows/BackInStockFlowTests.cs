using System.Net;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.IntegrationTests.Hosting;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>
/// The back-in-stock flow through the local shop: a shopper asks about a sold-out variant, staff book a delivery through
/// the stock API, the timer runs, and the shopper gets one email with the product's link and a working unsubscribe.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class BackInStockFlowTests(LocalShopFixture fixture)
{
    private const string Timer = "NotifyBackInStock";
    private readonly BackInStockShopper _shopper = new(fixture);
    private readonly TestMailbox _mailbox = new(fixture);

    private static string Subject(BackInStockShopper.Variant variant) => $"{variant.Name} is back in stock";

    [Fact]
    public async Task A_shopper_who_asked_gets_one_email_with_the_product_link_once_the_variant_is_restocked()
    {
        await _shopper.SwitchOnAsync(TimeSpan.Zero);
        var variant = await _shopper.ProductAsync();
        var email = $"restock-{Guid.NewGuid():N}@example.com";
        (await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        await fixture.Shop.RunTimerAsync(Timer);
        _mailbox.Mails(email, Subject(variant)).ShouldBeEmpty("the variant has no stock yet");
        (await _shopper.StoredAsync(variant.Sku)).ShouldHaveSingleItem();

        await _shopper.RestockAsync(variant.Sku, 3);
        await fixture.Shop.RunTimerAsync(Timer);

        var mail = await _mailbox.MailAsync(email, Subject(variant));
        mail.ShouldContain($"X-Campaign-Id: {NotifyBackInStock.FlowId}");
        mail.ShouldContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
        var productLink = mail.Split("\r\n").First(l => l.StartsWith(fixture.Shop.BaseAddress + "api/storefront/products/", StringComparison.Ordinal));
        var link = new Uri(productLink);
        link.AbsolutePath.ShouldBe($"/api/storefront/products/{variant.Slug}");
        System.Web.HttpUtility.ParseQueryString(link.Query)["utm_campaign"].ShouldBe(NotifyBackInStock.FlowId);
        (await _shopper.Anonymous.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK, "the link opens the product's page");
        (await _shopper.StoredAsync(variant.Sku)).ShouldBeEmpty("a request is answered once");

        // Once: another run sends nothing more.
        await fixture.Shop.RunTimerAsync(Timer);
        _mailbox.Mails(email, Subject(variant)).Count.ShouldBe(1);

        // The unsubscribe link works with one click and puts the address on the suppression list.
        var header = mail.Split("\r\n").Single(l => l.StartsWith("List-Unsubscribe: <", StringComparison.Ordinal));
        var unsubscribe = header["List-Unsubscribe: <".Length..^1];
        new Uri(unsubscribe).Authority.ShouldBe(fixture.Shop.BaseAddress.Authority);
        var clicked = await _shopper.Anonymous.PostAsync(unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        clicked.StatusCode.ShouldBe(HttpStatusCode.OK, await clicked.Content.ReadAsStringAsync());
        var key = await _shopper.Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);
        (await _shopper.Service<ISuppressionList>().FindAsync(key, default)).ShouldNotBeNull().Reasons.ShouldContain(r => r.Reason == SuppressionReason.Unsubscribe);
    }

    [Fact]
    public async Task A_suppressed_address_gets_nothing_and_its_request_is_dropped()
    {
        await _shopper.SwitchOnAsync(TimeSpan.Zero);
        var variant = await _shopper.ProductAsync();
        var suppressed = $"bounced-{Guid.NewGuid():N}@example.com";
        var told = $"told-{Guid.NewGuid():N}@example.com";
        (await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email = suppressed })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email = told })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var key = await _shopper.Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, suppressed, default);
        await _shopper.Service<ISuppressionList>().AddAsync(key, suppressed, null, new SuppressionRecord(SuppressionReason.Bounce, DateTimeOffset.UtcNow, null), default);

        await _shopper.RestockAsync(variant.Sku, 1);
        await fixture.Shop.RunTimerAsync(Timer);

        await _mailbox.MailAsync(told, Subject(variant));
        _mailbox.Mails(suppressed, Subject(variant)).ShouldBeEmpty();
        (await _shopper.StoredAsync(variant.Sku)).ShouldBeEmpty();
    }

    [Fact]
    public async Task With_a_delay_the_email_waits_and_nothing_is_sent_while_the_flow_is_off()
    {
        var variant = await _shopper.ProductAsync();
        var email = $"delayed-{Guid.NewGuid():N}@example.com";
        (await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await _shopper.RestockAsync(variant.Sku, 4);

        try
        {
            await _shopper.SwitchOnAsync(TimeSpan.FromHours(2));
            await fixture.Shop.RunTimerAsync(Timer);
            _mailbox.Mails(email, Subject(variant)).ShouldBeEmpty("the step waits two hours after the stock is back");
            (await _shopper.StoredAsync(variant.Sku)).ShouldHaveSingleItem().InStockSince.ShouldNotBeNull();

            await _shopper.SwitchOffAsync();
            await fixture.Shop.RunTimerAsync(Timer);
            _mailbox.Mails(email, Subject(variant)).ShouldBeEmpty("the flow is off");
            (await _shopper.StoredAsync(variant.Sku)).ShouldHaveSingleItem();
        }
        finally
        {
            await _shopper.SwitchOnAsync(TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task The_message_a_marketer_sets_through_the_flows_API_is_sent_and_the_flows_results_count_it()
    {
        using var marketer = fixture.Client(Domain.Administration.ShopRoles.Marketer);
        var before = (await (await marketer.GetAsync($"api/marketing/flows/{NotifyBackInStock.FlowId}/results")).JsonAsync()).GetProperty("sent").GetInt64();
        var variant = await _shopper.ProductAsync();
        var email = $"edited-{Guid.NewGuid():N}@example.com";
        (await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await _shopper.RestockAsync(variant.Sku, 2);

        try
        {
            await _shopper.SwitchOnAsync(new
            {
                content = new
                {
                    subject = "Good news: {{ for p in products }}{{ p.name }}{{ end }} is here",
                    html = "{{ for p in products }}<p><a href=\"{{ p.url }}\">{{ p.name }}</a> for {{ p.price }}</p>{{ end }}",
                    text = "{{ for p in products }}{{ p.name }} for {{ p.price }}: {{ p.url }}{{ end }}",
                },
            });
            await fixture.Shop.RunTimerAsync(Timer);

            var mail = await _mailbox.MailAsync(email, $"Good news: {variant.Name} is here");
            mail.ShouldContain($"{variant.Name} for 24.50 EUR: {fixture.Shop.BaseAddress}api/storefront/products/{variant.Slug}?");
            var results = await (await marketer.GetAsync($"api/marketing/flows/{NotifyBackInStock.FlowId}/results")).JsonAsync();
            results.GetProperty("sent").GetInt64().ShouldBeGreaterThanOrEqualTo(before + 1);
        }
        finally
        {
            await _shopper.DefaultMessageAsync();
        }
    }

    [Fact]
    public async Task Two_runs_at_once_mail_each_shopper_once()
    {
        await _shopper.SwitchOnAsync(TimeSpan.Zero);
        var variant = await _shopper.ProductAsync();
        var emails = Enumerable.Range(0, 12).Select(i => $"rush{i}-{Guid.NewGuid():N}@example.com").ToList();
        foreach (var email in emails)
            (await _shopper.AskAsync(variant.ProductId, new { sku = variant.Sku, email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await _shopper.RestockAsync(variant.Sku, 1);

        await Task.WhenAll(fixture.Shop.RunTimerAsync(Timer), fixture.Shop.RunTimerAsync(Timer));

        foreach (var email in emails) (await _mailbox.MailAsync(email, Subject(variant))).ShouldNotBeNull();
        emails.Select(e => _mailbox.Mails(e, Subject(variant)).Count).ShouldAllBe(count => count == 1);
        (await _shopper.StoredAsync(variant.Sku)).ShouldBeEmpty();
    }
}
