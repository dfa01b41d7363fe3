using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>Where a campaign is: draft → scheduled → sending → sent, or cancelled. A recurring campaign goes back to scheduled after each send.</summary>
public enum CampaignStatus { Draft, Scheduled, Sending, Sent, Cancelled }

/// <summary>The campaign's email as Scriban templates (docs/marketing.md#campaigns): the subject, the HTML body and the plain-text body.</summary>
public sealed record CampaignContent(string Subject, string Html, string Text);

/// <summary>The <c>products</c> block: the named products (<see cref="ProductIds"/>) or the catalog's <see cref="Newest"/> active products, read at each send.</summary>
public sealed record ProductsBlock(IReadOnlyList<string> ProductIds, int Newest)
{
    public static readonly ProductsBlock None = new([], 0);
    public bool IsEmpty => ProductIds.Count == 0 && Newest == 0;
}

/// <summary>When a campaign is sent: once at <see cref="SendAt"/>, or at every occurrence of the five-field cron <see cref="Cron"/> in <see cref="TimeZone"/> (an IANA id).</summary>
public sealed record CampaignSchedule(DateTimeOffset? SendAt, string? Cron, string? TimeZone)
{
    public bool IsRecurring => Cron is not null;
}

/// <summary>An email campaign to an audience. <see cref="CurrentOccurrence"/> is the occurrence being sent while <see cref="Status"/> is sending.</summary>
public sealed record Campaign
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required AudienceSpec Audience { get; init; }
    public required CampaignContent Content { get; init; }
    public ProductsBlock Products { get; init; } = ProductsBlock.None;

    /// <summary>Whether the template gets each customer's personal offer (Loyalty) as <c>offer</c>.</summary>
    public bool PersonalOffer { get; init; }

    /// <summary>How many products from the categories of the customer's purchase history the template gets as <c>recommendations</c> (0: none).</summary>
    public int Recommendations { get; init; }

    public required CampaignStatus Status { get; init; }
    public CampaignSchedule? Schedule { get; init; }

    /// <summary>When the next send is due (scheduled), or the occurrence being sent (sending); null otherwise.</summary>
    public DateTimeOffset? NextSendAt { get; init; }
    public DateTimeOffset? CurrentOccurrence { get; init; }

    /// <summary>The occurrences sent in full so far (a one-off campaign: at most one).</summary>
    public IReadOnlyList<DateTimeOffset> SentOccurrences { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required string UpdatedBy { get; init; }
}

public sealed record AudienceInput(IReadOnlyList<string>? Segments, bool? NewsletterSubscribers);
public sealed record ContentInput(string? Subject, string? Html, string? Text);
public sealed record ProductsInput(IReadOnlyList<string>? ProductIds, int? Newest);

/// <summary>What staff send to create a campaign or change a draft.</summary>
public sealed record CampaignInput(
    string? Name, AudienceInput? Audience, ContentInput? Content, ProductsInput? Products, bool? PersonalOffer, int? Recommendations);

/// <summary>When to send: <c>sendAt</c> (once), or a cron <c>schedule</c> (five fields) with its <c>timeZone</c> (IANA, default UTC) for a recurring campaign.</summary>
public sealed record ScheduleInput(DateTimeOffset? SendAt, string? Schedule, string? TimeZone);

/// <summary>Who a preview is rendered for: a sample recipient by default; with <c>customerId</c>, that customer's offer and recommendations.</summary>
public sealed record PreviewInput(string? Email, string? FirstName, string? CustomerId);

public sealed record RenderedEmail(string Subject, string Html, string Text);

/// <summary>A campaign's results: what this shop sent, and what SendGrid's Event Webhook reported.</summary>
/// <param name="Sent">Recipients handed to the email provider, over every occurrence.</param>
/// <param name="Unconfirmed">Recipients claimed for sending whose send was never confirmed (a send in progress, or one killed between claim and send: those people may not have been mailed, and are never mailed again for that occurrence).</param>
/// <param name="Suppressed">Recipients in the audience when their batch was claimed who could no longer be mailed when it was sent (unsubscribed or suppressed in between).</param>
/// <param name="AttributedOrders">Paid orders credited to the campaign: the shopper came from one of its links within the attribution window before ordering (docs/marketing.md, "Attributed revenue").</param>
/// <param name="AttributedRevenue">Those orders' totals, one amount per currency (never converted); empty when there are none.</param>
public sealed record CampaignResults(
    string CampaignId, CampaignStatus Status, int Occurrences, long Sent, long Unconfirmed, long Suppressed,
    long Delivered, long Opened, long Clicked, long Bounced, long Unsubscribed, long SpamReports,
    long AttributedOrders, IReadOnlyList<Money> AttributedRevenue);
