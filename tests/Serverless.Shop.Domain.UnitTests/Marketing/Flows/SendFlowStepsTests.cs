using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// How a flow over enrolments sends its steps (SendFlowSteps, through the welcome series): due steps only, a stop when
/// the person may no longer be mailed, each step claimed before it is sent (two runs send once, a run killed after its
/// claim skips the step), and changed settings applied to the steps not yet sent.
/// </summary>
public sealed class SendFlowStepsTests
{
    private const string Email = "sam@example.com";
    private static readonly string Key = "idx:Email:" + Email;
    private readonly FlowTestShop _shop = new();

    public SendFlowStepsTests()
    {
        _shop.Audience.Consented.Add(Email);
        _shop.Subscribers.Put(new NewsletterSubscriber
        {
            Key = Key, Email = Email, DataOwnerId = "nls_1", Status = SubscriberStatus.Confirmed, CreatedAt = _shop.Clock.Now, ConfirmedAt = _shop.Clock.Now,
        });
    }

    private static FlowStep Step(TimeSpan delay, string subject) =>
        new(delay, new FlowMessage(new CampaignContent(subject, "<p>{{ subject }}</p>".Replace("{{ subject }}", subject, StringComparison.Ordinal), subject), ProductsBlock.None, false, 0));

    private async Task EnrolAsync(params FlowStep[] steps)
    {
        _shop.SwitchOn(WelcomeSeries.Definition, steps);
        (await _shop.Welcome.EnrolAsync(Key, null, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_step_is_sent_only_once_its_delay_from_the_entry_has_passed()
    {
        await EnrolAsync(Step(TimeSpan.FromHours(2), "first"));

        _shop.Clock.Advance(TimeSpan.FromMinutes(119));
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(0);
        _shop.Clock.Advance(TimeSpan.FromMinutes(1));
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(1);
    }

    [Fact]
    public async Task Someone_who_may_no_longer_be_mailed_is_stopped_and_gets_nothing_more()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"), Step(TimeSpan.FromDays(1), "second"));
        await _shop.Welcome.RunAsync(default);
        _shop.Audience.Consented.Remove(Email);

        _shop.Clock.Advance(TimeSpan.FromDays(2));
        var run = await _shop.Welcome.RunAsync(default);
        _shop.Audience.Consented.Add(Email);
        _shop.Clock.Advance(TimeSpan.FromDays(2));
        await _shop.Welcome.RunAsync(default);

        run.Stopped.ShouldBe(new Dictionary<string, int> { [SendFlowSteps.StopReasons.NoConsent] = 1 });
        _shop.MailTo(Email).Select(m => m.Subject).ShouldBe(["first"]);
        var enrolment = _shop.Enrolments.Single(WelcomeSeries.FlowId);
        (enrolment.Status, enrolment.StopReason).ShouldBe((EnrolmentStatus.Stopped, SendFlowSteps.StopReasons.NoConsent));
    }

    [Fact]
    public async Task Someone_whose_address_is_gone_is_stopped()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"));
        await _shop.Subscribers.DeleteAsync(Key, default);

        var run = await _shop.Welcome.RunAsync(default);

        run.Stopped.ShouldBe(new Dictionary<string, int> { [SendFlowSteps.StopReasons.NoAddress] = 1 });
        _shop.Mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task When_another_run_claims_the_step_first_this_run_sends_nothing()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"));
        _shop.Enrolments.BeforeNextUpdate = () => _shop.Enrolments.Touch(_shop.Enrolments.Single(WelcomeSeries.FlowId));

        var run = await _shop.Welcome.RunAsync(default);

        (run.Sent, run.ClaimsLost).ShouldBe((0, 1));
        _shop.Mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_runs_at_once_send_each_step_once()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"), Step(TimeSpan.FromHours(1), "second"));

        var runs = await Task.WhenAll(_shop.Welcome.RunAsync(default), _shop.Welcome.RunAsync(default), _shop.Welcome.RunAsync(default));
        _shop.Clock.Advance(TimeSpan.FromHours(1));
        var later = await Task.WhenAll(_shop.Welcome.RunAsync(default), _shop.Welcome.RunAsync(default));

        runs.Sum(r => r.Sent).ShouldBe(1);
        later.Sum(r => r.Sent).ShouldBe(1);
        _shop.MailTo(Email).Select(m => m.Subject).ShouldBe(["first", "second"]);
    }

    [Fact]
    public async Task A_run_killed_between_its_claim_and_the_send_skips_that_step_rather_than_repeat_it()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"), Step(TimeSpan.FromHours(1), "second"));
        _shop.Mail.Fail = true;
        await Should.ThrowAsync<IOException>(() => _shop.Welcome.RunAsync(default));
        _shop.Mail.Fail = false;

        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(0, "the first step was claimed: it is not sent again");
        _shop.Clock.Advance(TimeSpan.FromHours(1));
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(1);
        _shop.MailTo(Email).Select(m => m.Subject).ShouldBe(["second"]);
    }

    [Fact]
    public async Task Changed_delays_apply_at_once_to_the_steps_not_yet_sent()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"), Step(TimeSpan.FromDays(7), "second"));
        await _shop.Welcome.RunAsync(default);
        _shop.Clock.Advance(TimeSpan.FromDays(2));
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(0);

        _shop.SwitchOn(WelcomeSeries.Definition, [Step(TimeSpan.Zero, "first"), Step(TimeSpan.FromDays(1), "second, sooner")]);

        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(1);
        _shop.MailTo(Email).Select(m => m.Subject).ShouldBe(["first", "second, sooner"]);
    }

    [Fact]
    public async Task Someone_past_the_last_step_of_a_shortened_flow_is_closed_without_an_email()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"), Step(TimeSpan.FromDays(1), "second"), Step(TimeSpan.FromDays(2), "third"));
        await _shop.Welcome.RunAsync(default);
        _shop.Clock.Advance(TimeSpan.FromDays(1));
        await _shop.Welcome.RunAsync(default);

        _shop.SwitchOn(WelcomeSeries.Definition, [Step(TimeSpan.Zero, "first"), Step(TimeSpan.FromDays(1), "second")]);
        var run = await _shop.Welcome.RunAsync(default);

        (run.Sent, run.Completed).ShouldBe((0, 1));
        _shop.Enrolments.Single(WelcomeSeries.FlowId).Status.ShouldBe(EnrolmentStatus.Completed);
        _shop.MailTo(Email).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Switching_the_flow_off_sends_nothing_to_people_already_in_it()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"));
        _shop.Settings.Put(WelcomeSeries.Definition.Defaults);

        (await _shop.Welcome.RunAsync(default)).ShouldBe(FlowRun.Off);
        _shop.Mail.Sent.ShouldBeEmpty();
        _shop.Enrolments.Single(WelcomeSeries.FlowId).StepsSent.ShouldBe(0);
    }

    [Fact]
    public async Task A_step_that_does_not_render_for_the_person_is_skipped_and_counted()
    {
        await EnrolAsync(new FlowStep(TimeSpan.Zero, new FlowMessage(new CampaignContent("Hi", "<p>{{ nobody.knows }}</p>", "Hi"), ProductsBlock.None, false, 0)));

        var run = await _shop.Welcome.RunAsync(default);

        (run.Sent, run.Failed).ShouldBe((0, 1));
        _shop.Mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_the_storefront_s_address_the_run_fails_before_claiming_anything()
    {
        await EnrolAsync(Step(TimeSpan.Zero, "first"));
        _shop.Storefront = StorefrontSite.NotConfigured("Storefront:PublicBaseUrl is not set.");

        await Should.ThrowAsync<NotConfiguredException>(() => _shop.Welcome.RunAsync(default));

        _shop.Enrolments.Single(WelcomeSeries.FlowId).StepsSent.ShouldBe(0);
    }
}
