using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.UnitTests.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// The welcome series: who enters it (a confirmed subscriber, a customer with email consent), only while it is on and
/// once in a life, and its default emails over the campaign templates.
/// </summary>
public sealed class WelcomeSeriesTests
{
    private const string Email = "new@example.com";
    private static readonly string Key = "idx:Email:" + Email;
    private readonly FlowTestShop _shop = new();

    public WelcomeSeriesTests()
    {
        _shop.Products.ListingResult = [CatalogExamples.ExistingMug("prod_new") with { Name = "Speckled mug", Slug = "speckled-mug" }];
        _shop.Audience.Consented.Add(Email);
    }

    private NewsletterSubscriber Subscriber(string? customerId = null) => new()
    {
        Key = Key, Email = Email, DataOwnerId = "nls_1", Status = SubscriberStatus.Confirmed, CreatedAt = _shop.Clock.Now, ConfirmedAt = _shop.Clock.Now, CustomerId = customerId,
    };

    [Fact]
    public async Task While_the_flow_is_off_nobody_is_enrolled_and_nothing_is_sent()
    {
        _shop.Subscribers.Put(Subscriber());
        await _shop.Welcome.SubscriberConfirmedAsync(Subscriber(), default);

        _shop.Enrolments.All.ShouldBeEmpty();
        (await _shop.Welcome.RunAsync(default)).ShouldBe(FlowRun.Off);
        _shop.Mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_confirmed_subscriber_gets_the_first_email_at_once_rendered_with_the_newest_products_and_one_click_unsubscribe()
    {
        _shop.SwitchOn(WelcomeSeries.Definition);
        _shop.Subscribers.Put(Subscriber());
        await _shop.Welcome.SubscriberConfirmedAsync(Subscriber(), default);

        var run = await _shop.Welcome.RunAsync(default);

        run.Sent.ShouldBe(1);
        var mail = _shop.MailTo(Email).ShouldHaveSingleItem();
        mail.Subject.ShouldBe("Welcome, we are glad you are here");
        mail.TextBody.ShouldStartWith("Hello,");
        mail.TextBody.ShouldContain("Speckled mug");
        mail.HtmlBody.ShouldNotBeNull().ShouldContain("https://shop.test/products/speckled-mug?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=flow-welcome");
        var unsubscribe = $"https://shop.example/api/unsubscribe?recipient={Uri.EscapeDataString(Key)}&campaign=flow-welcome";
        mail.Headers["List-Unsubscribe"].ShouldBe($"<{unsubscribe}>");
        mail.TextBody.ShouldContain(unsubscribe);
        mail.CustomArgs[EmailCustomArgs.CampaignId].ShouldBe(WelcomeSeries.FlowId);
        mail.CustomArgs[FlowEmails.FlowStepArg].ShouldBe("1");
        _shop.Counters.Counts[(WelcomeSeries.FlowId, EngagementKind.Sent)].ShouldBe(1);
        _shop.Enrolments.Single(WelcomeSeries.FlowId).StepsSent.ShouldBe(1);
    }

    [Fact]
    public async Task The_later_steps_come_after_their_delays_and_the_series_then_completes()
    {
        _shop.SwitchOn(WelcomeSeries.Definition);
        _shop.Subscribers.Put(Subscriber());
        await _shop.Welcome.SubscriberConfirmedAsync(Subscriber(), default);
        await _shop.Welcome.RunAsync(default);

        _shop.Clock.Advance(TimeSpan.FromHours(47));
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(0, "the second email is due at 48 hours");
        _shop.Clock.Advance(TimeSpan.FromHours(2));
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(1);
        _shop.Clock.Advance(TimeSpan.FromDays(6));
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(1);
        _shop.Clock.Advance(TimeSpan.FromDays(30));
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(0);

        _shop.MailTo(Email).Select(m => m.Subject).ShouldBe(["Welcome, we are glad you are here", "Just in: our newest pieces", "A week with us: what to expect"]);
        _shop.Enrolments.Single(WelcomeSeries.FlowId).Status.ShouldBe(EnrolmentStatus.Completed);
    }

    [Fact]
    public async Task A_person_gets_the_series_once_in_their_life_whether_they_confirm_again_or_also_sign_up_as_a_customer()
    {
        _shop.SwitchOn(WelcomeSeries.Definition);
        _shop.Subscribers.Put(Subscriber());
        await _shop.Welcome.SubscriberConfirmedAsync(Subscriber(), default);
        for (var day = 0; day < 10; day++)
        {
            await _shop.Welcome.RunAsync(default);
            _shop.Clock.Advance(TimeSpan.FromDays(1));
        }
        _shop.MailTo(Email).Count.ShouldBe(3);

        await _shop.Welcome.SubscriberConfirmedAsync(Subscriber(), default);
        ProfileChangedNow("cust_new", (MarketingChannels.Email, true));
        await _shop.Welcome.ProfileChangedAsync("cust_new", new ProfileFacts(null, EmailMarketing: true, SmsMarketing: false), default);
        (await _shop.Welcome.RunAsync(default)).Sent.ShouldBe(0);

        _shop.Enrolments.All.ShouldHaveSingleItem();
        _shop.MailTo(Email).Count.ShouldBe(3);
    }

    /// <summary>The profile as CustomerProfileRules leaves it after a change at the clock's time that set these consents.</summary>
    private void ProfileChangedNow(string customerId, params (string Channel, bool Granted)[] consents) =>
        _shop.Profiles.Put(new CustomerProfile
        {
            CustomerId = customerId, Name = "Ada Lovelace", Email = Email, CreatedAt = _shop.Clock.Now, UpdatedAt = _shop.Clock.Now,
            ConsentHistory = [.. consents.Select(c => new ConsentChange(c.Channel, c.Granted, _shop.Clock.Now, "profile-api"))],
        });

    [Fact]
    public async Task A_customer_enters_when_they_grant_email_consent_and_is_greeted_by_first_name()
    {
        _shop.SwitchOn(WelcomeSeries.Definition);
        ProfileChangedNow("cust_ada", (MarketingChannels.Sms, true));
        await _shop.Welcome.ProfileChangedAsync("cust_ada", new ProfileFacts("en", EmailMarketing: false, SmsMarketing: true), default);
        _shop.Enrolments.All.ShouldBeEmpty("no email consent, no welcome email");

        ProfileChangedNow("cust_ada", (MarketingChannels.Sms, true), (MarketingChannels.Email, true));
        await _shop.Welcome.ProfileChangedAsync("cust_ada", new ProfileFacts("en", EmailMarketing: true, SmsMarketing: true), default);
        var enrolment = _shop.Enrolments.Single(WelcomeSeries.FlowId);
        enrolment.Key.ShouldBe(Key);
        enrolment.CustomerId.ShouldBe("cust_ada");

        await _shop.Welcome.RunAsync(default);
        _shop.MailTo(Email).ShouldHaveSingleItem().TextBody.ShouldStartWith("Hi Ada,");
    }

    [Fact]
    public async Task A_customer_who_agreed_before_the_flow_was_on_does_not_enter_when_they_change_something_else()
    {
        ProfileChangedNow("cust_ada", (MarketingChannels.Email, true));
        _shop.SwitchOn(WelcomeSeries.Definition);
        _shop.Clock.Advance(TimeSpan.FromDays(3));
        var profile = (await _shop.Profiles.FindAsync("cust_ada", default))!.Value;
        _shop.Profiles.Put(profile with { Language = "nl", UpdatedAt = _shop.Clock.Now });

        await _shop.Welcome.ProfileChangedAsync("cust_ada", new ProfileFacts("nl", EmailMarketing: true, SmsMarketing: false), default);

        _shop.Enrolments.All.ShouldBeEmpty();
    }

    [Fact]
    public void The_default_steps_fit_the_flow_s_own_limits()
    {
        var flow = WelcomeSeries.Definition;
        flow.DefaultSteps.Select(s => s.Delay).ShouldBe([TimeSpan.Zero, TimeSpan.FromHours(48), TimeSpan.FromDays(7)]);
        flow.DefaultSteps.Count.ShouldBeLessThanOrEqualTo(flow.MaxSteps);
        flow.DefaultSteps.ShouldAllBe(s => s.Delay >= flow.MinDelay && s.Delay <= flow.MaxDelay && s.Message != null);
        flow.Defaults.Enabled.ShouldBeFalse();
        flow.UsesSegments.ShouldBeFalse();
    }
}
