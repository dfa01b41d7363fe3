using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// Win-back: the watched segments' members enter once per spell (their last order), get the emails with their personal
/// offer, and are stopped when they order again; a new spell enters again.
/// </summary>
public sealed class WinBackFlowTests
{
    private const string CustomerId = OrderTestBed.CustomerId;
    private const string Email = "ada@example.com";
    private static readonly string Key = "idx:Email:" + Email;
    private readonly FlowTestShop _shop = new();

    public WinBackFlowTests()
    {
        _shop.Profiles.Put(new CustomerProfile { CustomerId = CustomerId, Name = "Ada", Email = Email, CreatedAt = _shop.Clock.Now, UpdatedAt = _shop.Clock.Now });
        _shop.Audience.Consented.Add(Email);
        _shop.Audience.Members.Add(("lapsed", new MarketingRecipient(Key, Email, CustomerId, "en", "Ada")));
        _shop.Personalization.Offers[CustomerId] = new PersonalOffer("ADA-15", "promo_1", "gold", 15m, [], _shop.Clock.Now, _shop.Clock.Now.AddDays(30));
        LastOrderAt(_shop.Clock.Now.AddDays(-120));
    }

    private void LastOrderAt(DateTimeOffset at)
    {
        var current = _shop.Summaries.FindAsync(CustomerId, default).Result;
        _shop.Summaries.SaveAsync(CustomerSummary.Empty(CustomerId) with { ArchivedLastOrderAt = at, ArchivedOrderCount = 1 }, current?.Version, default).Wait();
    }

    [Fact]
    public async Task Off_or_without_a_segment_nobody_enters()
    {
        (await _shop.WinBack.RunAsync(default)).ShouldBe(FlowRun.Off);
        _shop.SwitchOn(WinBackFlow.Definition);
        (await _shop.WinBack.RunAsync(default)).ShouldBe(FlowRun.Off);

        _shop.Enrolments.All.ShouldBeEmpty();
        _shop.Mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_member_of_a_watched_segment_enters_and_gets_the_first_email_with_their_offer()
    {
        _shop.SwitchOn(WinBackFlow.Definition, null, "lapsed");

        var run = await _shop.WinBack.RunAsync(default);

        (run.Enrolled, run.Sent).ShouldBe((1, 1));
        var mail = _shop.MailTo(Email).ShouldHaveSingleItem();
        mail.Subject.ShouldBe("We miss you, Ada");
        mail.TextBody.ShouldContain("15% off your next order with the code ADA-15");
        mail.CustomArgs[EmailCustomArgs.CampaignId].ShouldBe(WinBackFlow.FlowId);
        _shop.Enrolments.Single(WinBackFlow.FlowId).Spell.ShouldBe(_shop.Clock.Now.AddDays(-120).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Members_outside_the_watched_segments_do_not_enter()
    {
        _shop.SwitchOn(WinBackFlow.Definition, null, "vip");

        (await _shop.WinBack.RunAsync(default)).Enrolled.ShouldBe(0);
        _shop.Mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Daily_runs_in_the_same_spell_do_not_enrol_again_and_the_second_email_comes_after_five_days()
    {
        _shop.SwitchOn(WinBackFlow.Definition, null, "lapsed");
        await _shop.WinBack.RunAsync(default);

        for (var day = 1; day <= 10; day++)
        {
            _shop.Clock.Advance(TimeSpan.FromDays(1));
            (await _shop.WinBack.RunAsync(default)).Enrolled.ShouldBe(0);
        }

        _shop.Enrolments.All.ShouldHaveSingleItem().Status.ShouldBe(EnrolmentStatus.Completed);
        _shop.MailTo(Email).Select(m => m.Subject).ShouldBe(["We miss you, Ada", "Still thinking about it?"]);
    }

    [Fact]
    public async Task An_order_after_entering_stops_the_series()
    {
        _shop.SwitchOn(WinBackFlow.Definition, null, "lapsed");
        await _shop.WinBack.RunAsync(default);
        _shop.Clock.Advance(TimeSpan.FromDays(2));
        await _shop.Orders.Orders.PlaceAsync(OrderTestBed.Placement(customerId: CustomerId), default);

        _shop.Clock.Advance(TimeSpan.FromDays(4));
        var run = await _shop.WinBack.RunAsync(default);

        run.Stopped.ShouldBe(new Dictionary<string, int> { [WinBackFlow.StopReasons.Ordered] = 1 });
        _shop.MailTo(Email).Count.ShouldBe(1);
        _shop.Enrolments.Single(WinBackFlow.FlowId).StopReason.ShouldBe(WinBackFlow.StopReasons.Ordered);
    }

    [Fact]
    public async Task A_customer_who_buys_again_and_lapses_again_enters_again_in_a_new_spell()
    {
        _shop.SwitchOn(WinBackFlow.Definition, null, "lapsed");
        await _shop.WinBack.RunAsync(default);
        _shop.Clock.Advance(TimeSpan.FromDays(10));
        await _shop.WinBack.RunAsync(default);

        LastOrderAt(_shop.Clock.Now);
        _shop.Clock.Advance(TimeSpan.FromDays(120));
        var run = await _shop.WinBack.RunAsync(default);

        run.Enrolled.ShouldBe(1);
        _shop.Enrolments.All.Count.ShouldBe(2);
        _shop.MailTo(Email).Count.ShouldBe(3);
    }

    [Fact]
    public void Its_default_steps_are_two_emails_with_the_personal_offer_and_it_needs_segments()
    {
        var flow = WinBackFlow.Definition;
        flow.DefaultSteps.Select(s => s.Delay).ShouldBe([TimeSpan.Zero, TimeSpan.FromDays(5)]);
        flow.DefaultSteps.ShouldAllBe(s => s.Message!.PersonalOffer);
        flow.MaxSteps.ShouldBe(3);
        flow.UsesSegments.ShouldBeTrue();
    }

    [Fact]
    public async Task Erasing_a_customer_removes_their_enrolments_and_the_export_lists_them_first()
    {
        _shop.SwitchOn(WinBackFlow.Definition, null, "lapsed");
        await _shop.WinBack.RunAsync(default);
        var privacy = new FlowPersonalData(_shop.Enrolments);

        var export = (await privacy.ExportAsync(CustomerId, default)).ShouldBeAssignableTo<IEnumerable<FlowEnrolmentExport>>().ShouldHaveSingleItem();
        (export.FlowId, export.StepsSent, export.Status).ShouldBe((WinBackFlow.FlowId, 1, "active"));

        await privacy.CleanUpAsync(CustomerId, default);
        _shop.Enrolments.All.ShouldBeEmpty();
        (await privacy.ExportAsync(CustomerId, default)).ShouldBeNull();
    }
}
