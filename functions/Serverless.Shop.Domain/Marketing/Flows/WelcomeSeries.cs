using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// The welcome series (<c>flow-welcome</c>): a few emails to someone who just agreed to hear from the shop. A person
/// enters when they confirm a newsletter subscription (double opt-in) or when a customer grants email consent on their
/// profile, while the flow is on: one write, an enrolment keyed by the blind index of their address, so a person gets
/// the series once in their life (a customer who also subscribes, or confirms twice, is the same person). The timer
/// sends the due steps (<see cref="SendFlowSteps"/>). Off until a marketer switches it on. Tests: WelcomeSeriesTests,
/// WelcomeSeriesFlowTests.
/// </summary>
public sealed class WelcomeSeries(
    FlowSettingsReader settings, IFlowEnrolments enrolments, SendFlowSteps steps, ICustomerProfileStore profiles, IPersonalDataVault vault, TimeProvider clock)
    : INewsletterConfirmationFollower, ICustomerProfileFollower
{
    public const string FlowId = "flow-welcome";

    public static readonly FlowDefinition Definition = new(
        FlowId, "Welcome series",
        "Emails to someone who just subscribed to the newsletter or signed up with email consent: once in their life, from the moment they agreed.",
        MaxSteps: 5, MinDelay: TimeSpan.Zero, MaxDelay: TimeSpan.FromDays(90), MessageEditable: true, UsesSegments: false,
        DefaultSteps: [
            new FlowStep(TimeSpan.Zero, WelcomeMessages.Welcome),
            new FlowStep(TimeSpan.FromHours(48), WelcomeMessages.Newest),
            new FlowStep(TimeSpan.FromDays(7), WelcomeMessages.StayInTouch),
        ],
        DefaultSegments: []);

    /// <summary>Enrols the person with this address key, if the flow is on; false when it is off or they were enrolled before.</summary>
    public async Task<bool> EnrolAsync(string key, string? customerId, CancellationToken ct)
    {
        if (!(await settings.CurrentAsync(FlowId, ct)).Enabled) return false;
        return await enrolments.EnrolAsync(new FlowEnrolment { FlowId = FlowId, Key = key, CustomerId = customerId, EnteredAt = clock.GetUtcNow() }, ct);
    }

    public Task SubscriberConfirmedAsync(NewsletterSubscriber subscriber, CancellationToken ct) => EnrolAsync(subscriber.Key, subscriber.CustomerId, ct);

    public async Task ProfileChangedAsync(string customerId, ProfileFacts facts, CancellationToken ct)
    {
        if (!facts.EmailMarketing) return;
        // The settings first: while the flow is off (the default) a profile change costs this one read.
        if (!(await settings.CurrentAsync(FlowId, ct)).Enabled) return;
        if ((await profiles.FindAsync(customerId, ct))?.Value is not { Email: { Length: > 0 } email } profile || email == PersonalData.Erased) return;
        // Only the change that granted email consent enrols (its consent entry carries the change's own time): a
        // customer who agreed long ago and now changes their language does not start a welcome series.
        if (profile.ConsentHistory.LastOrDefault(h => h.Channel == MarketingChannels.Email) is not { Granted: true } grant || grant.At != profile.UpdatedAt) return;
        await EnrolAsync(await vault.BlindIndexAsync(BlindIndexKind.Email, email, ct), customerId, ct);
    }

    /// <summary>One timer run: the due steps of everyone in the series.</summary>
    public async Task<FlowRun> RunAsync(CancellationToken ct) =>
        await steps.SendDueAsync(Definition, await settings.CurrentAsync(FlowId, ct), stop: null, enrolled: 0, ct);
}

/// <summary>The welcome series' default emails (Scriban, the campaign template model: docs/marketing.md#campaigns).</summary>
public static class WelcomeMessages
{
    private static readonly ProductsBlock NewestFour = new([], 4);

    private const string Greeting = "{{ if recipient.first_name }}Hi {{ recipient.first_name }},{{ else }}Hello,{{ end }}";

    private const string ProductsHtml = """
        {{ for product in products }}
        <p><a href="{{ product.url }}">{{ if product.image_url }}<img src="{{ product.image_url }}" alt="{{ product.image_alt }}" width="240"><br>{{ end }}{{ product.name }}</a> {{ if product.sale_price }}<s>{{ product.price }}</s> {{ product.sale_price }}{{ else }}{{ product.price }}{{ end }}</p>
        {{ end }}
        """;

    private const string ProductsText = """
        {{ for product in products }}- {{ product.name }}, {{ if product.sale_price }}{{ product.sale_price }}{{ else }}{{ product.price }}{{ end }}: {{ product.url }}
        {{ end }}
        """;

    public static readonly FlowMessage Welcome = new(new CampaignContent(
        "Welcome, we are glad you are here",
        "<p>" + Greeting + "</p>\n<p>Thank you for signing up. From now on you hear from us first about new arrivals and offers, a few times a month at most.</p>\n"
            + "<p>Here is what arrived most recently:</p>\n" + ProductsHtml
            + "<p><a href=\"{{ shop_url }}\">Visit the shop</a></p>\n<p style=\"font-size:12px;color:#666\">Not for you? <a href=\"{{ unsubscribe_url }}\">Unsubscribe</a> with one click.</p>\n",
        Greeting + "\n\nThank you for signing up. From now on you hear from us first about new arrivals and offers, a few times a month at most.\n\n"
            + "Here is what arrived most recently:\n\n" + ProductsText + "\nVisit the shop: {{ shop_url }}\n\nNot for you? Unsubscribe with one click: {{ unsubscribe_url }}\n"),
        NewestFour, PersonalOffer: false, Recommendations: 0);

    public static readonly FlowMessage Newest = new(new CampaignContent(
        "Just in: our newest pieces",
        "<p>" + Greeting + "</p>\n<p>A few days ago you joined us. These are the newest things in the shop, picked for you to see first:</p>\n" + ProductsHtml
            + "<p><a href=\"{{ shop_url }}\">See everything new</a></p>\n<p style=\"font-size:12px;color:#666\"><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>\n",
        Greeting + "\n\nA few days ago you joined us. These are the newest things in the shop, picked for you to see first:\n\n" + ProductsText
            + "\nSee everything new: {{ shop_url }}\n\nUnsubscribe: {{ unsubscribe_url }}\n"),
        NewestFour, PersonalOffer: false, Recommendations: 0);

    public static readonly FlowMessage StayInTouch = new(new CampaignContent(
        "A week with us: what to expect",
        "<p>" + Greeting + "</p>\n<p>You have been with us a week. Expect an email when something new arrives or a sale starts, and nothing else: no daily mail, and your address stays with us.</p>\n"
            + "{{ if offer }}<p>As a thank-you: <strong>{{ offer.percent }}% off</strong> with the code <strong>{{ offer.code }}</strong> until {{ offer.valid_until }}.</p>\n{{ end }}"
            + ProductsHtml + "<p><a href=\"{{ shop_url }}\">Visit the shop</a></p>\n<p style=\"font-size:12px;color:#666\"><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>\n",
        Greeting + "\n\nYou have been with us a week. Expect an email when something new arrives or a sale starts, and nothing else: no daily mail, and your address stays with us.\n\n"
            + "{{ if offer }}As a thank-you: {{ offer.percent }}% off with the code {{ offer.code }} until {{ offer.valid_until }}.\n\n{{ end }}"
            + ProductsText + "\nVisit the shop: {{ shop_url }}\n\nUnsubscribe: {{ unsubscribe_url }}\n"),
        NewestFour, PersonalOffer: true, Recommendations: 0);
}
