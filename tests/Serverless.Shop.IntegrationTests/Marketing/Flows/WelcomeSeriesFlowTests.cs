using System.Net;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>
/// The welcome series through the local shop: a subscriber who confirms gets its first email rendered in the mailbox,
/// with a one-click unsubscribe link that works, and nothing more after unsubscribing; a customer who signs up with
/// email consent enters too.
/// </summary>
[Collection(FlowShopCollection.Name)]
public sealed class WelcomeSeriesFlowTests(FlowShopFixture fixture)
{
    private const string Welcome = "Welcome, we are glad you are here";

    [Fact]
    public async Task A_subscriber_who_confirms_gets_the_welcome_email_whose_unsubscribe_link_stops_the_series()
    {
        await fixture.SwitchOnAsync(WelcomeSeries.Definition);
        var email = $"welcome-{Guid.NewGuid():N}@example.com";
        var anonymous = fixture.Client();
        (await anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var confirmation = await fixture.MailAsync(email, "Confirm your newsletter subscription");
        var confirmed = await anonymous.PostAsync(LinkIn(confirmation, "api/newsletter/confirmations?token="), null);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());

        await fixture.Shop.RunTimerAsync("SendWelcomeSeries");

        var mail = fixture.Mails(email, WelcomeSeries.FlowId).ShouldHaveSingleItem();
        mail.Header("Subject").ShouldBe(Welcome);
        mail.Header("List-Unsubscribe").ShouldStartWith("<" + fixture.Shop.BaseAddress + "api/marketing/unsubscribe?token=");
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
        mail.Text.ShouldContain("Thank you for signing up.");
        mail.Text.ShouldNotContain("{{", Case.Sensitive, "every template tag rendered");

        // Confirming again does not restart the series.
        (await anonymous.PostAsync(LinkIn(confirmation, "api/newsletter/confirmations?token="), null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await fixture.Shop.RunTimerAsync("SendWelcomeSeries");
        fixture.Mails(email, WelcomeSeries.FlowId).Count.ShouldBe(1);

        (await fixture.StoredEnrolmentAsync(WelcomeSeries.FlowId, await KeyAsync(email))).ShouldBe((1, "active", null));

        // One click on the link in the email unsubscribes; the second step, due two days later, is not sent.
        var unsubscribed = await anonymous.PostAsync(LinkIn(mail.Text, "api/marketing/unsubscribe?token="), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        unsubscribed.StatusCode.ShouldBe(HttpStatusCode.OK, await unsubscribed.Content.ReadAsStringAsync());
        var key = await KeyAsync(email);
        await fixture.EnteredEarlierAsync(new FlowEnrolment { FlowId = WelcomeSeries.FlowId, Key = key, EnteredAt = default }, TimeSpan.FromHours(49));
        await fixture.Shop.RunTimerAsync("SendWelcomeSeries");
        fixture.Mails(email, WelcomeSeries.FlowId).Count.ShouldBe(1);
        (await fixture.StoredEnrolmentAsync(WelcomeSeries.FlowId, key)).ShouldBe((1, "stopped", SendFlowSteps.StopReasons.NoConsent));
    }

    [Fact]
    public async Task A_customer_who_agrees_to_email_marketing_enters_the_series_and_is_greeted_by_name()
    {
        await fixture.SwitchOnAsync(WelcomeSeries.Definition);
        var email = $"welcome-customer-{Guid.NewGuid():N}@example.com";

        var (customerId, _) = await fixture.ConsentedCustomerAsync(email, "Grace Hopper");
        var enrolment = await fixture.EnrolmentAsync(customerId, WelcomeSeries.FlowId);
        await fixture.Shop.RunTimerAsync("SendWelcomeSeries");

        enrolment.StepsSent.ShouldBe(0);
        fixture.Mails(email, WelcomeSeries.FlowId).ShouldHaveSingleItem().Text.ShouldContain("Hi Grace,");
        (await fixture.EnrolmentAsync(customerId, WelcomeSeries.FlowId)).StepsSent.ShouldBe(1);
    }

    private Task<string> KeyAsync(string email) =>
        fixture.Shop.Services.GetRequiredService<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);

    private string LinkIn(string mail, string pathAndQuery)
    {
        var prefix = fixture.Shop.BaseAddress + pathAndQuery;
        var start = mail.IndexOf(prefix, StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"no link {prefix} in the email");
        var end = mail.IndexOfAny([' ', '\r', '\n', '"', '<', '>'], start);
        return new Uri(mail[start..end]).PathAndQuery.TrimStart('/');
    }
}
