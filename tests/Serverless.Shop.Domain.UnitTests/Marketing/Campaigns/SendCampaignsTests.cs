using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

public sealed class SendCampaignsTests
{
    [Fact]
    public async Task Sends_everyone_in_the_audience_once_in_batches_of_the_batch_size_then_marks_the_campaign_sent()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(25), batchSize: 10, batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();

        var (batches, recipients) = await shop.RunAsync(campaign.Id);

        batches.ShouldBe(3);
        recipients.ShouldBe(25);
        shop.Sender.Recipients.Order().ShouldBe(Enumerable.Range(0, 25).Select(i => $"r{i:D3}@example.com"));
        shop.Store.Batches.Select(b => (b.Number, b.Recipients, b.Sent)).ShouldBe([(0, 10, true), (1, 10, true), (2, 5, true)]);
        var after = shop.Store.Current(campaign.Id).Value;
        after.Status.ShouldBe(CampaignStatus.Sent);
        after.SentOccurrences.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Each_batch_lists_the_audience_after_the_last_batch_instead_of_from_the_start()
    {
        var audience = FakeAudience.Of(10);
        var listed = 0;
        audience.OnListed = _ => listed++;
        var shop = new CampaignTestShop(audience, batchSize: 3, batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();
        audience.ListedAfter.Clear();
        listed = 0;

        await shop.RunAsync(campaign.Id);

        shop.Sender.Recipients.Order().ShouldBe(Enumerable.Range(0, 10).Select(i => $"r{i:D3}@example.com"));
        audience.ListedAfter.ShouldBe([null, "r002", "r005", "r008", "r009"]);
        listed.ShouldBeLessThanOrEqualTo(10 + 4, "each recipient is read about once, not once per batch");
    }

    [Fact]
    public async Task Claims_batches_no_closer_together_than_the_throttle_allows()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(40), batchSize: 10, batchesPerMinute: 10);
        var campaign = await shop.ScheduledNowAsync();

        await shop.RunAsync(campaign.Id);

        var claims = shop.Store.Batches.Select(b => b.ClaimedAt).ToList();
        claims.Count.ShouldBe(4);
        claims.Zip(claims.Skip(1), (a, b) => b - a).ShouldAllBe(gap => gap >= TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Stops_at_the_run_budget_and_the_next_run_carries_on_after_the_last_batch()
    {
        // One batch a minute and a 50-second run: each run sends one batch.
        var shop = new CampaignTestShop(FakeAudience.Of(25), batchSize: 10, batchesPerMinute: 1);
        var campaign = await shop.ScheduledNowAsync();

        (await shop.RunAsync(campaign.Id)).Batches.ShouldBe(1);
        shop.Store.Current(campaign.Id).Value.Status.ShouldBe(CampaignStatus.Sending);
        shop.Clock.Advance(TimeSpan.FromSeconds(15));
        (await shop.Send.SendDueAsync(CancellationToken.None)).Batches.ShouldBe(1);
        shop.Clock.Advance(TimeSpan.FromSeconds(15));
        (await shop.Send.SendDueAsync(CancellationToken.None)).Batches.ShouldBe(1);

        shop.Sender.Recipients.Count.ShouldBe(25);
        shop.Sender.Recipients.Distinct().Count().ShouldBe(25);
        shop.Store.Current(campaign.Id).Value.Status.ShouldBe(CampaignStatus.Sent);
    }

    [Fact]
    public async Task A_batch_claimed_but_never_sent_is_skipped_on_restart_and_its_people_are_never_mailed_twice()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(25), batchSize: 10, batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();
        // A sender that claimed batch 0 and was killed before (or while) sending it.
        shop.Sender.Failure = call => call == 0 ? new TimeoutException("no answer") : null;
        await Should.ThrowAsync<TimeoutException>(() => shop.RunAsync(campaign.Id));
        shop.Sender.Failure = _ => null;

        await shop.Send.SendDueAsync(CancellationToken.None);

        shop.Sender.Recipients.Order().ShouldBe(Enumerable.Range(10, 15).Select(i => $"r{i:D3}@example.com"));
        var results = await shop.Results.ReadAsync(campaign.Id, CancellationToken.None);
        (results.Sent, results.Unconfirmed).ShouldBe((15L, 10L));
        results.Status.ShouldBe(CampaignStatus.Sent);
    }

    [Fact]
    public async Task Results_show_the_orders_attributed_to_the_campaign_and_their_revenue_per_currency()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(3), batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();
        shop.Revenue.ByCampaign[campaign.Id] = new AttributedRevenue(3, new Dictionary<string, long> { ["GBP"] = 1999, ["EUR"] = 12345 });
        shop.Revenue.ByCampaign["cmp_other"] = new AttributedRevenue(7, new Dictionary<string, long> { ["EUR"] = 70000 });

        var results = await shop.Results.ReadAsync(campaign.Id, CancellationToken.None);

        results.AttributedOrders.ShouldBe(3);
        results.AttributedRevenue.ShouldBe([new Money(123.45m, "EUR"), new Money(19.99m, "GBP")]);
    }

    [Fact]
    public async Task Results_of_a_campaign_nobody_bought_from_show_no_orders_and_no_revenue()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(3), batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();
        shop.Revenue.ByCampaign["cmp_other"] = new AttributedRevenue(7, new Dictionary<string, long> { ["EUR"] = 70000 });

        var results = await shop.Results.ReadAsync(campaign.Id, CancellationToken.None);

        results.AttributedOrders.ShouldBe(0);
        results.AttributedRevenue.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_request_the_provider_refused_gives_the_batch_back_and_the_next_run_sends_it()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(15), batchSize: 10, batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();
        shop.Sender.Failure = call => call == 0 ? new BulkSendRefusedException("SendGrid", 503, "busy") : null;

        var failed = await shop.Send.SendDueAsync(CancellationToken.None);
        failed.Failures.ShouldHaveSingleItem().ShouldContain("503");
        shop.Store.Batches.ShouldBeEmpty();

        await shop.Send.SendDueAsync(CancellationToken.None);
        shop.Sender.Recipients.Order().ShouldBe(Enumerable.Range(0, 15).Select(i => $"r{i:D3}@example.com"));
    }

    [Fact]
    public async Task Two_senders_at_once_share_the_batches_and_mail_everyone_exactly_once()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(95), batchSize: 5, batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => shop.RunAsync(campaign.Id))));

        shop.Sender.Recipients.Count.ShouldBe(95);
        shop.Sender.Recipients.Distinct().Count().ShouldBe(95);
        shop.Store.Batches.Select(b => b.Number).ShouldBe(Enumerable.Range(0, 19));
        shop.Store.Current(campaign.Id).Value.Status.ShouldBe(CampaignStatus.Sent);
    }

    [Fact]
    public async Task Checks_each_address_again_just_before_the_send_and_leaves_out_who_unsubscribed_since_the_listing()
    {
        var audience = FakeAudience.Of(6);
        var shop = new CampaignTestShop(audience, batchSize: 10, batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();
        audience.OnListed = r => { if (r.Key == "r003") audience.Suppress("r003@example.com"); };

        await shop.RunAsync(campaign.Id);

        shop.Sender.Recipients.Order().ShouldBe(["r000@example.com", "r001@example.com", "r002@example.com", "r004@example.com", "r005@example.com"]);
        (await shop.Results.ReadAsync(campaign.Id, CancellationToken.None)).Suppressed.ShouldBe(1);
    }

    [Fact]
    public async Task A_cancelled_campaign_stops_before_its_next_batch()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(30), batchSize: 10, batchesPerMinute: 1);
        var campaign = await shop.ScheduledNowAsync();
        await shop.RunAsync(campaign.Id);

        await shop.Manage.CancelAsync(campaign.Id, CampaignTestShop.Marketer, CancellationToken.None);
        shop.Clock.Advance(TimeSpan.FromMinutes(2));
        await shop.Send.SendDueAsync(CancellationToken.None);

        shop.Sender.Recipients.Count.ShouldBe(10);
        shop.Store.Current(campaign.Id).Value.Status.ShouldBe(CampaignStatus.Cancelled);
    }

    [Fact]
    public async Task Recipients_with_the_same_email_share_one_request_each_with_their_own_unsubscribe_link_and_custom_args()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(3), batchSize: 10, batchesPerMinute: 6000);
        var campaign = await shop.ScheduledNowAsync();

        await shop.RunAsync(campaign.Id);

        var request = shop.Sender.Sent.ShouldHaveSingleItem();
        request.Recipients.Count.ShouldBe(3);
        request.Html.ShouldContain(CampaignTemplates.UnsubscribeTag);
        var first = request.Recipients[0];
        first.UnsubscribeUrl.ShouldBe(new Uri($"https://shop.test/unsubscribe/r000?c={campaign.Id}"));
        first.Substitutions[CampaignTemplates.UnsubscribeTag].ShouldBe(first.UnsubscribeUrl.AbsoluteUri);
        first.CustomArgs[EmailCustomArgs.CampaignId].ShouldBe(campaign.Id);
        first.CustomArgs[EmailCustomArgs.RecipientKey].ShouldBe("r000");
    }

    [Fact]
    public async Task Personal_content_splits_a_batch_into_one_request_per_distinct_email_and_requests_never_exceed_the_provider_limit()
    {
        var audience = new FakeAudience().Add("a", "a@example.com", firstName: "Ann").Add("b", "b@example.com", firstName: "Bob").Add("c", "c@example.com");
        for (var i = 0; i < 5; i++) audience.Add($"d{i}", $"d{i}@example.com");
        var shop = new CampaignTestShop(audience, batchSize: 10, batchesPerMinute: 6000, maxPerRequest: 2);
        var campaign = await shop.ScheduledNowAsync(CampaignTestShop.Input(subject: "Hi {{ recipient.first_name ?? \"there\" }}"));

        await shop.RunAsync(campaign.Id);

        shop.Sender.Sent.Select(e => e.Subject).Order().ShouldBe(["Hi Ann", "Hi Bob", "Hi there", "Hi there", "Hi there"]);
        shop.Sender.Sent.ShouldAllBe(e => e.Recipients.Count <= 2);
        shop.Sender.Recipients.Count.ShouldBe(8);
    }
}
