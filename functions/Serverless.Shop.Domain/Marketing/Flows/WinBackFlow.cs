using System.Globalization;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// The win-back flow (<c>flow-win-back</c>): customers in the segments it watches (names from <c>Loyalty:Segments</c>,
/// such as <c>lapsed=inactiveDays:90</c>) who may get marketing email enter it, once per spell: a spell is their last
/// order at entry, so a customer who buys again and lapses again enters again, and one still lapsed since the same order
/// does not. Their series stops when they order after entering. Each run (a timer, daily or so) enrols the segments'
/// members, then sends the due steps (<see cref="SendFlowSteps"/>). Off until a marketer switches it on and names a
/// segment. Tests: WinBackFlowTests, WinBackFlowApiTests.
/// </summary>
public sealed class WinBackFlow(
    FlowSettingsReader settings, IFlowEnrolments enrolments, IMarketingAudience audience, ICustomerSummaryStore summaries, IOrderStore orders,
    SendFlowSteps steps, TimeProvider clock) : IFlowStopCondition
{
    public const string FlowId = "flow-win-back";

    public static class StopReasons
    {
        public const string Ordered = "ordered-since";
    }

    /// <summary>The spell of a customer who never kept an order.</summary>
    public const string NoOrderSpell = "never";

    public static readonly FlowDefinition Definition = new(
        FlowId, "Win-back",
        "Emails with the customer's personal offer to customers in the segments it watches (inactive ones): once per spell since their last order, stopped when they order again.",
        MaxSteps: 3, MinDelay: TimeSpan.Zero, MaxDelay: TimeSpan.FromDays(60), MessageEditable: true, UsesSegments: true,
        DefaultSteps: [
            new FlowStep(TimeSpan.Zero, WinBackMessages.WeMissYou),
            new FlowStep(TimeSpan.FromDays(5), WinBackMessages.LastReminder),
        ],
        DefaultSegments: []);

    /// <summary>One timer run: enrol the watched segments' members not yet in for their current spell, then send the due steps.</summary>
    public async Task<FlowRun> RunAsync(CancellationToken ct)
    {
        var current = await settings.CurrentAsync(FlowId, ct);
        if (!current.Enabled || current.Segments.Count == 0) return FlowRun.Off;

        var now = clock.GetUtcNow();
        var enrolled = 0;
        await foreach (var member in audience.ListAsync(new AudienceSpec(current.Segments, NewsletterSubscribers: false), ct))
        {
            if (member.CustomerId is not { } customerId) continue;
            var enrolment = new FlowEnrolment
            {
                FlowId = FlowId, Key = member.Key, CustomerId = customerId, EnteredAt = now,
                Spell = SpellOf((await summaries.FindAsync(customerId, ct))?.Value),
            };
            // Created only when new: a member still in the same spell (enrolled by an earlier run) is a 409, nothing more.
            if (await enrolments.EnrolAsync(enrolment, ct)) enrolled++;
        }
        return await steps.SendDueAsync(Definition, current, this, enrolled, ct);
    }

    /// <summary>A customer's spell: the time of their last kept order (whole seconds), or <see cref="NoOrderSpell"/>.</summary>
    public static string SpellOf(CustomerSummary? summary) =>
        summary?.LastOrderAt is { } last ? last.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : NoOrderSpell;

    /// <summary>They ordered since they entered (any order not cancelled, paid or not yet): the series has done its work.</summary>
    public async Task<string?> ReasonToStopAsync(FlowEnrolment enrolment, CancellationToken ct)
    {
        if (enrolment.CustomerId is not { } customerId) return null;
        var since = await orders.SearchAsync(new OrderSearch(CustomerId: customerId, CreatedFrom: enrolment.EnteredAt), new PageRequest(5, null), ct);
        return since.Items.Any(o => o.Status != OrderStatus.Cancelled) ? StopReasons.Ordered : null;
    }
}

/// <summary>The win-back flow's default emails (Scriban, the campaign template model), each with the personal offer block.</summary>
public static class WinBackMessages
{
    private static readonly ProductsBlock NewestFour = new([], 4);

    private const string Greeting = "{{ if recipient.first_name }}Hi {{ recipient.first_name }},{{ else }}Hello,{{ end }}";

    private const string OfferHtml =
        "{{ if offer }}<p style=\"font-size:18px\"><strong>{{ offer.percent }}% off</strong> your next order with the code <strong>{{ offer.code }}</strong>, until {{ offer.valid_until }}.</p>\n{{ end }}";

    private const string OfferText =
        "{{ if offer }}{{ offer.percent }}% off your next order with the code {{ offer.code }}, until {{ offer.valid_until }}.\n\n{{ end }}";

    private const string ProductsHtml = """
        {{ for product in products }}
        <p><a href="{{ product.url }}">{{ product.name }}</a> {{ if product.sale_price }}<s>{{ product.price }}</s> {{ product.sale_price }}{{ else }}{{ product.price }}{{ end }}</p>
        {{ end }}
        {{ for product in recommendations }}
        <p><a href="{{ product.url }}">{{ product.name }}</a> {{ product.price }}</p>
        {{ end }}
        """;

    private const string ProductsText = """
        {{ for product in products }}- {{ product.name }}: {{ product.url }}
        {{ end }}{{ for product in recommendations }}- {{ product.name }}: {{ product.url }}
        {{ end }}
        """;

    public static readonly FlowMessage WeMissYou = new(new CampaignContent(
        "We miss you{{ if recipient.first_name }}, {{ recipient.first_name }}{{ end }}",
        "<p>" + Greeting + "</p>\n<p>It has been a while since your last order, and a lot has arrived since. Come and have a look.</p>\n" + OfferHtml + ProductsHtml
            + "<p><a href=\"{{ shop_url }}\">Back to the shop</a></p>\n<p style=\"font-size:12px;color:#666\"><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>\n",
        Greeting + "\n\nIt has been a while since your last order, and a lot has arrived since. Come and have a look.\n\n" + OfferText + ProductsText
            + "\nBack to the shop: {{ shop_url }}\n\nUnsubscribe: {{ unsubscribe_url }}\n"),
        NewestFour, PersonalOffer: true, Recommendations: 4);

    public static readonly FlowMessage LastReminder = new(new CampaignContent(
        "Still thinking about it?",
        "<p>" + Greeting + "</p>\n<p>A last word from us: your offer is still waiting, and so are these.</p>\n" + OfferHtml + ProductsHtml
            + "<p><a href=\"{{ shop_url }}\">Visit the shop</a></p>\n<p style=\"font-size:12px;color:#666\"><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>\n",
        Greeting + "\n\nA last word from us: your offer is still waiting, and so are these.\n\n" + OfferText + ProductsText
            + "\nVisit the shop: {{ shop_url }}\n\nUnsubscribe: {{ unsubscribe_url }}\n"),
        NewestFour, PersonalOffer: true, Recommendations: 4);
}
