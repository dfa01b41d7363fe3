using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

/// <summary>The audience use cases over in-memory stores, as the registration wires them.</summary>
internal sealed class AudienceTestBed
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public MovableClock Clock { get; } = new(Start);
    public IndexingVault Vault { get; } = new();
    public InMemorySubscribers Subscribers { get; } = new();
    public InMemorySuppressions Suppressions { get; } = new();
    public InMemoryProfiles Profiles { get; } = new();
    public RecordingEmailSender Email { get; } = new();
    public Dictionary<string, string[]> Segments { get; } = [];
    public MarketingLinkTokens Tokens { get; }
    public MarketingLinkSettings Links { get; } = new(new Uri("https://shop.example/api/"));

    public AudienceTestBed() => Tokens = new MarketingLinkTokens(new FixedLinkKey(), Clock);

    public NewsletterSubscriptions Newsletter => new(Subscribers, Suppressions, Profiles, Vault, Tokens, Links, Email, Clock, ConfirmationFollowers);

    /// <summary>Told when a subscriber confirms (the welcome series in the app).</summary>
    public List<INewsletterConfirmationFollower> ConfirmationFollowers { get; } = [];

    public MarketingAudience Audience => new(Profiles.AsAudience(Segments), Subscribers, Suppressions, Profiles, Vault);

    public Unsubscribe Unsubscribe => new(Tokens, Suppressions, Subscribers, Profiles, new ManageCustomerProfile(Profiles, Clock), new CampaignUnsubscribes(Inbox, Engagement), Clock);

    /// <summary>The inbox and counters a campaign's unsubscribes are counted through.</summary>
    public InMemoryInbox Inbox { get; } = new();

    public InMemoryCounters Engagement { get; } = new();

    public UnsubscribeLinks UnsubscribeLinks => new(Tokens, Links);

    /// <summary>A confirmed subscriber, as if they had followed the link.</summary>
    public NewsletterSubscriber Confirmed(string email, string? customerId = null) => Put(email, SubscriberStatus.Confirmed, customerId);

    public NewsletterSubscriber Put(string email, SubscriberStatus status, string? customerId = null)
    {
        var subscriber = new NewsletterSubscriber
        {
            Key = IndexingVault.Index(email), Email = email, DataOwnerId = "nls_" + Guid.NewGuid().ToString("N"), Status = status, CustomerId = customerId,
            CreatedAt = Clock.Now, ConfirmationSentAt = Clock.Now, ConfirmedAt = status == SubscriberStatus.Confirmed ? Clock.Now : null,
        };
        Subscribers.Put(subscriber);
        return subscriber;
    }

    /// <summary>The token of the link in the last confirmation email.</summary>
    public string LastConfirmationToken()
    {
        var text = Email.Sent[^1].TextBody;
        var start = text.IndexOf("token=", StringComparison.Ordinal) + "token=".Length;
        var end = text.IndexOfAny([' ', '\r', '\n'], start);
        return Uri.UnescapeDataString(text[start..(end < 0 ? text.Length : end)]);
    }

    public static string TokenOf(Uri link) => Uri.UnescapeDataString(link.Query[(link.Query.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
}
