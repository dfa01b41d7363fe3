using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

public sealed class CampaignScheduleTests
{
    private static readonly DateTimeOffset Now = CampaignTestShop.Start;

    [Fact]
    public void A_send_time_in_the_past_is_refused_on_sendAt()
    {
        var v = new Validator();
        CampaignRules.CheckSchedule(new ScheduleInput(Now.AddMinutes(-1), null, null), Now, v);
        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).ShouldReport("sendAt", "in the past");
    }

    [Theory]
    [InlineData("not a cron")]
    [InlineData("0 9 * *")]
    [InlineData("0 0 9 * * MON")]
    [InlineData("61 9 * * *")]
    public void A_cron_that_is_not_five_valid_fields_is_refused_on_schedule(string cron)
    {
        var v = new Validator();
        CampaignRules.CheckSchedule(new ScheduleInput(null, cron, "Europe/Amsterdam"), Now, v);
        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).ShouldReport("schedule", "five fields");
    }

    [Fact]
    public void A_cron_that_never_occurs_is_refused()
    {
        var v = new Validator();
        CampaignRules.CheckSchedule(new ScheduleInput(null, "0 9 30 2 *", "UTC"), Now, v);
        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).ShouldReport("schedule", "never occurs");
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_on_timeZone()
    {
        var v = new Validator();
        CampaignRules.CheckSchedule(new ScheduleInput(null, "0 9 * * MON", "Mars/Olympus"), Now, v);
        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).ShouldReport("timeZone");
    }

    [Fact]
    public void Both_a_send_time_and_a_cron_are_refused()
    {
        var v = new Validator();
        CampaignRules.CheckSchedule(new ScheduleInput(Now.AddDays(1), "0 9 * * MON", null), Now, v);
        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).ShouldReport("schedule");
    }

    [Fact]
    public void A_cron_runs_in_its_time_zone_across_a_daylight_saving_change()
    {
        var weekly = new CampaignSchedule(null, "0 9 * * MON", "Europe/Amsterdam");
        // Monday 2 March 2026, 09:00 in Amsterdam is 08:00 UTC (CET); on 30 March it is 07:00 UTC (CEST).
        CampaignRules.NextOccurrence(weekly, Now).ShouldBe(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        CampaignRules.NextOccurrence(weekly, new DateTimeOffset(2026, 3, 24, 0, 0, 0, TimeSpan.Zero)).ShouldBe(new DateTimeOffset(2026, 3, 30, 7, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void A_local_time_skipped_by_the_clock_change_moves_to_the_next_valid_occurrence()
    {
        // 02:30 does not exist in Amsterdam on 29 March 2026 (clocks go from 02:00 to 03:00).
        var daily = new CampaignSchedule(null, "30 2 * * *", "Europe/Amsterdam");
        CampaignRules.NextOccurrence(daily, new DateTimeOffset(2026, 3, 28, 2, 0, 0, TimeSpan.Zero))
            .ShouldBe(new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_recurring_campaign_sends_once_per_occurrence_and_waits_for_the_next_one()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(3), batchSize: 10, batchesPerMinute: 6000);
        var created = await shop.Manage.CreateAsync(CampaignTestShop.Input(), CampaignTestShop.Marketer, CancellationToken.None);
        var scheduled = await shop.Manage.ScheduleAsync(created.Value.Id, new ScheduleInput(null, "0 9 * * MON", "Europe/Amsterdam"), CampaignTestShop.Marketer, CancellationToken.None);
        scheduled.Value.NextSendAt.ShouldBe(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

        await shop.Send.SendDueAsync(CancellationToken.None); // 07:00 UTC: not due yet
        shop.Sender.Recipients.ShouldBeEmpty();
        shop.Clock.Advance(TimeSpan.FromHours(1));
        await shop.Send.SendDueAsync(CancellationToken.None);
        await shop.Send.SendDueAsync(CancellationToken.None);
        shop.Sender.Recipients.Count.ShouldBe(3);
        var after = shop.Store.Current(created.Value.Id).Value;
        after.Status.ShouldBe(CampaignStatus.Scheduled);
        after.NextSendAt.ShouldBe(new DateTimeOffset(2026, 3, 9, 8, 0, 0, TimeSpan.Zero));

        shop.Clock.Advance(TimeSpan.FromDays(7));
        await shop.Send.SendDueAsync(CancellationToken.None);
        shop.Sender.Recipients.Count.ShouldBe(6);
        shop.Sender.Recipients.GroupBy(r => r).ShouldAllBe(g => g.Count() == 2);
        shop.Store.Current(created.Value.Id).Value.SentOccurrences.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Two_timer_runs_at_once_send_an_occurrence_once()
    {
        var shop = new CampaignTestShop(FakeAudience.Of(40), batchSize: 3, batchesPerMinute: 6000);
        var created = await shop.Manage.CreateAsync(CampaignTestShop.Input(), CampaignTestShop.Marketer, CancellationToken.None);
        await shop.Manage.ScheduleAsync(created.Value.Id, new ScheduleInput(null, "0 * * * *", "UTC"), CampaignTestShop.Marketer, CancellationToken.None);
        shop.Clock.Advance(TimeSpan.FromHours(1));

        await Task.WhenAll(Task.Run(() => shop.Send.SendDueAsync(CancellationToken.None)), Task.Run(() => shop.Send.SendDueAsync(CancellationToken.None)));
        await Task.WhenAll(Task.Run(() => shop.Send.SendDueAsync(CancellationToken.None)), Task.Run(() => shop.Send.SendDueAsync(CancellationToken.None)));

        shop.Sender.Recipients.Count.ShouldBe(40);
        shop.Sender.Recipients.Distinct().Count().ShouldBe(40);
        shop.Store.Current(created.Value.Id).Value.SentOccurrences.ShouldHaveSingleItem();
    }
}
