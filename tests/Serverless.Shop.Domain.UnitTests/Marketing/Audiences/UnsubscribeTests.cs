using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

public sealed class UnsubscribeTests
{
    private readonly AudienceTestBed _bed = new();

    [Fact]
    public async Task Unsubscribing_suppresses_the_address_withdraws_the_customers_consent_and_ends_the_subscription()
    {
        _bed.Profiles.Add("cust-1", "robin@example.com", emailConsent: true);
        var subscriber = _bed.Confirmed("robin@example.com", "cust-1");
        var link = _bed.UnsubscribeLinks.For(new MarketingRecipient(subscriber.Key, "robin@example.com", "cust-1", null, null), "cmp_7");
        link.ToString().ShouldStartWith("https://shop.example/api/marketing/unsubscribe?token=");

        _bed.Clock.Now += TimeSpan.FromHours(1);
        await _bed.Unsubscribe.UnsubscribeAsync(AudienceTestBed.TokenOf(link), default);

        var entry = _bed.Suppressions.All.ShouldHaveSingleItem();
        entry.Key.ShouldBe(subscriber.Key);
        entry.Reasons.ShouldBe([new SuppressionRecord(SuppressionReason.Unsubscribe, _bed.Clock.Now, "cmp_7")]);
        var profile = _bed.Profiles.Get("cust-1");
        profile.MarketingConsent[MarketingChannels.Email].ShouldBeFalse();
        profile.ConsentHistory[^1].ShouldBe(new ConsentChange(MarketingChannels.Email, false, _bed.Clock.Now, Unsubscribe.ConsentSource));
        _bed.Subscribers.All.ShouldHaveSingleItem().Status.ShouldBe(SubscriberStatus.Unsubscribed);
        (await _bed.Audience.MaySendAsync("robin@example.com", default)).ShouldBeFalse();
    }

    [Fact]
    public async Task Unsubscribing_again_changes_nothing_more()
    {
        _bed.Profiles.Add("cust-1", "robin@example.com", emailConsent: true);
        var token = AudienceTestBed.TokenOf(_bed.UnsubscribeLinks.For(new MarketingRecipient(IndexingVault.Index("robin@example.com"), "robin@example.com", "cust-1", null, null), null));

        await _bed.Unsubscribe.UnsubscribeAsync(token, default);
        var first = (_bed.Profiles.Get("cust-1"), _bed.Suppressions.All.ShouldHaveSingleItem());
        _bed.Clock.Now += TimeSpan.FromDays(1);
        await _bed.Unsubscribe.UnsubscribeAsync(token, default);

        _bed.Profiles.Get("cust-1").ShouldBeSameAs(first.Item1);
        _bed.Suppressions.All.ShouldHaveSingleItem().Reasons.ShouldBe(first.Item2.Reasons);
        (await _bed.Unsubscribe.PreviewAsync(token, default)).AlreadyUnsubscribed.ShouldBeTrue();
    }

    [Fact]
    public async Task The_campaign_whose_link_was_used_counts_one_unsubscribe_however_often_it_is_pressed()
    {
        var robin = _bed.Confirmed("robin@example.com");
        var sam = _bed.Confirmed("sam@example.com");
        string TokenFor(NewsletterSubscriber s, string? campaignId) =>
            AudienceTestBed.TokenOf(_bed.UnsubscribeLinks.For(new MarketingRecipient(s.Key, s.Email, null, null, null), campaignId));

        await _bed.Unsubscribe.UnsubscribeAsync(TokenFor(robin, "cmp_7"), default);
        await _bed.Unsubscribe.UnsubscribeAsync(TokenFor(robin, "cmp_7"), default);
        await _bed.Unsubscribe.UnsubscribeAsync(TokenFor(sam, "cmp_7"), default);
        await _bed.Unsubscribe.UnsubscribeAsync(TokenFor(robin, "flow-welcome"), default);
        await _bed.Unsubscribe.UnsubscribeAsync(TokenFor(sam, null), default);

        _bed.Engagement.Counts.ShouldBe(new Dictionary<(string, EngagementKind), long>
        {
            [("cmp_7", EngagementKind.Unsubscribed)] = 2,
            [("flow-welcome", EngagementKind.Unsubscribed)] = 1,
        }, ignoreOrder: true);
    }

    [Fact]
    public async Task A_customer_without_a_profile_is_only_suppressed_no_profile_is_made()
    {
        var token = AudienceTestBed.TokenOf(_bed.UnsubscribeLinks.For(new MarketingRecipient(IndexingVault.Index("robin@example.com"), "robin@example.com", "ghost", null, null), null));
        await _bed.Unsubscribe.UnsubscribeAsync(token, default);
        (await _bed.Profiles.FindAsync("ghost", default)).ShouldBeNull();
        _bed.Suppressions.All.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_forged_link_changes_nothing()
    {
        _bed.Profiles.Add("cust-1", "robin@example.com", emailConsent: true);
        var forged = new MarketingLinkTokens(new FixedLinkKey(), _bed.Clock).Unsubscribe(new UnsubscribeLink(IndexingVault.Index("robin@example.com"), "cust-1", null));

        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Unsubscribe.UnsubscribeAsync(forged, default))).ShouldReport("token");
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Unsubscribe.PreviewAsync(forged, default))).ShouldReport("token");
        _bed.Suppressions.All.ShouldBeEmpty();
        _bed.Profiles.Get("cust-1").MarketingConsent[MarketingChannels.Email].ShouldBeTrue();
    }

    [Fact]
    public void Without_a_link_address_no_link_is_made()
    {
        var links = new UnsubscribeLinks(_bed.Tokens, new MarketingLinkSettings(null));
        Should.Throw<NotConfiguredException>(() => links.For(new MarketingRecipient(IndexingVault.Index("a@example.com"), "a@example.com", null, null, null), null));
    }
}
