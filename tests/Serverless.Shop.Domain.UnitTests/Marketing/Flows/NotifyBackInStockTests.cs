using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

public sealed class NotifyBackInStockTests
{
    private readonly BackInStockTestBed _bed = new();

    [Fact]
    public async Task A_request_whose_variant_is_back_gets_one_email_naming_the_product_with_its_link_and_image_and_is_then_gone()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.SetStock("LAMP-RED", 2);

        var run = await _bed.RunAsync();

        run.Sent.ShouldBe(1);
        var mail = _bed.MailsTo("ada@example.com").ShouldHaveSingleItem();
        mail.Subject.ShouldBe($"{product.Name} is back in stock");
        mail.HtmlBody!.ShouldContain("https://shop.test/products/" + product.Slug + "?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=flow-back-in-stock");
        mail.HtmlBody!.ShouldContain("https://cdn.test/img_1.png");
        mail.TextBody.ShouldContain("https://shop.test/products/" + product.Slug);
        mail.Headers["List-Unsubscribe"].ShouldStartWith("<https://shop.example/api/unsubscribe?");
        mail.CustomArgs[EmailCustomArgs.CampaignId].ShouldBe(NotifyBackInStock.FlowId);
        _bed.Counters.Counts[(NotifyBackInStock.FlowId, EngagementKind.Sent)].ShouldBe(1);
        _bed.Requests.All.ShouldBeEmpty();

        (await _bed.RunAsync()).Sent.ShouldBe(0);
        _bed.Email.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Nothing_is_sent_while_the_flow_is_off_nor_for_a_variant_without_stock()
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED", "LAMP-BLUE");
        _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.Request(product.Id, "LAMP-BLUE", "bo@example.com");
        _bed.SetStock("LAMP-RED", 1);

        (await _bed.RunAsync()).Enabled.ShouldBeFalse();
        _bed.Email.Sent.ShouldBeEmpty("never set up: off");

        await _bed.SwitchOnAsync(TimeSpan.Zero);
        _bed.SetStock("LAMP-RED", 0);
        (await _bed.RunAsync()).Sent.ShouldBe(0);
        _bed.Requests.All.Count.ShouldBe(2);

        _bed.SetStock("LAMP-RED", 1);
        (await _bed.RunAsync()).Sent.ShouldBe(1);
        _bed.MailsTo("ada@example.com").ShouldHaveSingleItem();
        _bed.MailsTo("bo@example.com").ShouldBeEmpty("blue has no stock, whatever red has");
    }

    [Fact]
    public async Task Stock_held_by_live_reservations_is_not_available_so_nobody_is_told()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.SetStock("LAMP-RED", 1);
        var stocked = _bed.Stock.Current("LAMP-RED")!;
        await _bed.Stock.SaveAsync(stocked.Value.Reserve("res_1", 1, _bed.Clock.GetUtcNow().AddMinutes(15), _bed.Clock.GetUtcNow()), stocked.Version, default);

        (await _bed.RunAsync()).Sent.ShouldBe(0);
    }

    [Fact]
    public async Task Each_sku_is_read_once_per_run_however_many_requests_wait_for_it()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-RED", "LAMP-BLUE");
        for (var i = 0; i < 250; i++) _bed.Request(product.Id, i % 2 == 0 ? "LAMP-RED" : "LAMP-BLUE", $"shopper{i}@example.com");
        _bed.SetStock("LAMP-RED", 5);

        var run = await _bed.RunAsync();

        run.Sent.ShouldBe(125);
        run.SkusRead.ShouldBe(2);
        _bed.Inventory.ManyReads.SelectMany(r => r).ShouldBe(["LAMP-RED", "LAMP-BLUE"], ignoreOrder: true, "one read per SKU, in batches");
        _bed.Products.ManyReads.ShouldBe(1, "the product is read once too");
    }

    [Fact]
    public async Task A_suppressed_address_is_never_mailed_and_its_request_is_dropped()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        var request = _bed.Request(product.Id, "LAMP-RED", "bounced@example.com");
        _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        await _bed.Suppressions.AddAsync(request.Key, request.Email, null, new SuppressionRecord(SuppressionReason.Bounce, BackInStockTestBed.Start, null), default);
        _bed.SetStock("LAMP-RED", 3);

        var run = await _bed.RunAsync();

        run.Sent.ShouldBe(1);
        run.Skipped[NotifyBackInStock.SkipReasons.Suppressed].ShouldBe(1);
        _bed.MailsTo("bounced@example.com").ShouldBeEmpty();
        _bed.Requests.All.ShouldBeEmpty();
        _bed.Suppressions.LookupCalls.ShouldBe(1, "one suppression lookup for the page");
    }

    [Fact]
    public async Task A_request_another_run_claimed_first_is_not_sent_again()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        var request = _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.SetStock("LAMP-RED", 3);
        // Between this run's read and its claim, another run claims the request.
        _bed.Requests.BeforeNextUpdate = () => _bed.Requests.Put(request with { ClaimedAt = _bed.Clock.GetUtcNow() });

        var run = await _bed.RunAsync();

        (run.Sent, run.Changed).ShouldBe((0, 1));
        _bed.Email.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_request_claimed_by_a_run_that_died_before_sending_is_skipped_not_repeated()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        var request = _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.Requests.Put(request with { ClaimedAt = _bed.Clock.GetUtcNow() });
        _bed.SetStock("LAMP-RED", 3);

        (await _bed.RunAsync()).Sent.ShouldBe(0);
        _bed.Email.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_send_that_fails_gives_the_claim_back_so_the_next_run_sends_it()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        var request = _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.SetStock("LAMP-RED", 3);
        _bed.Email.Fail = true;

        await Should.ThrowAsync<IOException>(() => _bed.RunAsync());
        _bed.Requests.Find("LAMP-RED", request.Key).ShouldNotBeNull().ClaimedAt.ShouldBeNull();

        _bed.Email.Fail = false;
        (await _bed.RunAsync()).Sent.ShouldBe(1);
        _bed.MailsTo("ada@example.com").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task With_a_delay_the_email_goes_that_long_after_a_run_first_saw_the_stock_and_waits_again_if_it_sells_out()
    {
        await _bed.SwitchOnAsync(TimeSpan.FromHours(2));
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        var request = _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.SetStock("LAMP-RED", 3);

        var first = await _bed.RunAsync();
        (first.Sent, first.Waiting).ShouldBe((0, 1));
        var seenAt = _bed.Clock.GetUtcNow();
        _bed.Requests.Find("LAMP-RED", request.Key)!.InStockSince.ShouldBe(seenAt);

        _bed.Clock.Now = seenAt.AddHours(1);
        _bed.SetStock("LAMP-RED", 0);
        (await _bed.RunAsync()).Sent.ShouldBe(0);
        _bed.Requests.Find("LAMP-RED", request.Key)!.InStockSince.ShouldBeNull("sold out again: the wait starts over");

        _bed.SetStock("LAMP-RED", 1);
        _bed.Clock.Now = seenAt.AddHours(2);
        (await _bed.RunAsync()).Sent.ShouldBe(0, "back again only now");
        _bed.Clock.Now = seenAt.AddHours(4).AddSeconds(-1);
        (await _bed.RunAsync()).Sent.ShouldBe(0);
        _bed.Clock.Now = seenAt.AddHours(4);
        (await _bed.RunAsync()).Sent.ShouldBe(1);
    }

    [Fact]
    public async Task The_marketers_message_is_the_one_sent()
    {
        var message = new FlowMessage(new CampaignContent("Good news about {{ for p in products }}{{ p.name }}{{ end }}", "{{ for p in products }}<p>{{ p.name }} is here: <a href=\"{{ p.url }}\">buy</a></p>{{ end }}", "{{ for p in products }}{{ p.url }}{{ end }}"),
            ProductsBlock.None, false, 0);
        await _bed.SwitchOnAsync(TimeSpan.Zero, message);
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.SetStock("LAMP-RED", 3);

        await _bed.RunAsync();

        _bed.MailsTo("ada@example.com").ShouldHaveSingleItem().Subject.ShouldBe($"Good news about {product.Name}");
    }

    [Fact]
    public async Task The_email_shows_the_price_of_the_variant_that_was_asked_for()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-SMALL", "LAMP-LARGE");
        _bed.Products.Add(product with
        {
            Variants = [product.Variants[0], product.Variants[1] with { Price = new Money(99.00m, "EUR") }],
        });
        _bed.Request(product.Id, "LAMP-LARGE", "ada@example.com");
        _bed.SetStock("LAMP-LARGE", 1);

        await _bed.RunAsync();

        var html = _bed.MailsTo("ada@example.com").ShouldHaveSingleItem().HtmlBody!;
        html.ShouldContain("(99.00 EUR)");
        html.ShouldNotContain("12.50 EUR");
    }

    [Fact]
    public async Task A_product_no_longer_for_sale_and_an_erased_address_get_nothing_and_are_dropped()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var archived = _bed.Product("prod_old", "OLD-1");
        _bed.Products.Add(archived with { Status = ProductStatus.Archived });
        var live = _bed.Product("prod_lamp", "LAMP-RED");
        _bed.Request(archived.Id, "OLD-1", "ada@example.com");
        _bed.Request(live.Id, "LAMP-RED", "gone@example.com");
        var erased = _bed.Requests.All.Single(r => r.Email == "gone@example.com");
        _bed.Requests.Put(erased with { Email = PersonalData.Erased });
        _bed.SetStock("OLD-1", 4);
        _bed.SetStock("LAMP-RED", 4);

        var run = await _bed.RunAsync();

        run.Sent.ShouldBe(0);
        run.Skipped[NotifyBackInStock.SkipReasons.ProductGone].ShouldBe(1);
        run.Skipped[NotifyBackInStock.SkipReasons.Erased].ShouldBe(1);
        _bed.Email.Sent.ShouldBeEmpty();
        _bed.Requests.All.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_expired_request_is_never_sent()
    {
        await _bed.SwitchOnAsync(TimeSpan.Zero);
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        _bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        _bed.Clock.Now = BackInStockTestBed.Start + NotifyBackInStock.Retention;
        _bed.SetStock("LAMP-RED", 4);

        (await _bed.RunAsync()).Sent.ShouldBe(0);
        _bed.Email.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_storefront_address_the_run_fails_before_it_claims_anything()
    {
        var bed = new BackInStockTestBed { Storefront = StorefrontSite.NotConfigured("Storefront:PublicBaseUrl is not set.") };
        var flow = new NotifyBackInStock(bed.Requests, bed.Inventory, bed.Products, bed.Suppressions,
            new FlowSettingsReader(bed.Settings, [NotifyBackInStock.Definition]), null!, bed.Storefront, bed.Clock);
        await bed.SwitchOnAsync(TimeSpan.Zero);
        var product = bed.Product("prod_lamp", "LAMP-RED");
        bed.Request(product.Id, "LAMP-RED", "ada@example.com");
        bed.SetStock("LAMP-RED", 4);

        await Should.ThrowAsync<NotConfiguredException>(() => flow.RunAsync(default));
        bed.Requests.All.ShouldHaveSingleItem().ClaimedAt.ShouldBeNull();
    }

    [Fact]
    public void The_flow_is_defined_off_with_one_step_at_no_delay_and_at_most_a_week()
    {
        var definition = NotifyBackInStock.Definition;
        definition.FlowId.ShouldBe("flow-back-in-stock");
        definition.Defaults.Enabled.ShouldBeFalse();
        definition.MaxSteps.ShouldBe(1);
        definition.DefaultSteps.ShouldHaveSingleItem().Delay.ShouldBe(TimeSpan.Zero);
        (definition.MinDelay, definition.MaxDelay).ShouldBe((TimeSpan.Zero, TimeSpan.FromDays(7)));
        definition.MessageEditable.ShouldBeTrue();
    }

    [Fact]
    public void The_default_message_renders_without_products_as_the_flows_api_checks_a_message_at_save()
    {
        var campaign = NotifyBackInStock.DefaultMessage.AsCampaign(NotifyBackInStock.FlowId, NotifyBackInStock.Definition.Name);

        var rendered = CampaignTemplates.Render(campaign, [], new TemplateRecipient(null, "reader@example.com", null, []), new Uri("https://shop.test/"));

        rendered.Subject.ShouldBe("Back in stock");
        rendered.Text.ShouldContain("asked to be told");
    }
}
