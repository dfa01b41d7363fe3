using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

public sealed class NewsletterSubscriptionTests
{
    private readonly AudienceTestBed _bed = new();

    [Fact]
    public async Task Subscribing_stores_a_pending_subscriber_and_emails_a_confirmation_link()
    {
        var answer = await _bed.Newsletter.SubscribeAsync(new SubscriptionInput(" Robin@Example.com ", "nl", "footer"), default);

        answer.ShouldBe(SubscriptionAccepted.ConfirmationSent);
        var subscriber = _bed.Subscribers.All.ShouldHaveSingleItem();
        subscriber.Status.ShouldBe(SubscriberStatus.Pending);
        subscriber.Key.ShouldBe(IndexingVault.Index("robin@example.com"));
        (subscriber.Email, subscriber.Language, subscriber.Source).ShouldBe(("Robin@Example.com", "nl", "footer"));
        var mail = _bed.Email.Sent.ShouldHaveSingleItem();
        mail.To.ShouldBe(["Robin@Example.com"]);
        mail.TextBody.ShouldContain("https://shop.example/api/newsletter/confirmations?token=");
    }

    [Fact]
    public async Task Subscribing_twice_in_a_day_sends_one_confirmation_and_the_next_day_another()
    {
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        _bed.Clock.Now += TimeSpan.FromHours(23);
        (await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("ROBIN@example.com"), default)).ShouldBe(SubscriptionAccepted.ConfirmationSent);
        _bed.Email.Sent.Count.ShouldBe(1);

        _bed.Clock.Now += TimeSpan.FromHours(1);
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        _bed.Email.Sent.Count.ShouldBe(2);
        _bed.Subscribers.All.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_confirmed_address_gets_the_same_answer_and_no_email()
    {
        _bed.Confirmed("robin@example.com");
        (await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default)).ShouldBe(SubscriptionAccepted.ConfirmationSent);
        _bed.Email.Sent.ShouldBeEmpty();
        _bed.Subscribers.All.ShouldHaveSingleItem().Status.ShouldBe(SubscriberStatus.Confirmed);
    }

    [Fact]
    public async Task A_failed_send_gives_the_claim_back_so_asking_again_sends_at_once()
    {
        _bed.Email.Fail = true;
        await Should.ThrowAsync<IOException>(() => _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default));
        _bed.Email.Fail = false;
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        _bed.Email.Sent.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData(null, "email")]
    [InlineData("", "email")]
    [InlineData("not an address", "email")]
    [InlineData("robin@localhost", "email")]
    [InlineData("Robin <robin@example.com>", "email")]
    public async Task A_bad_address_is_refused_and_nothing_is_stored_or_sent(string? email, string field)
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => _bed.Newsletter.SubscribeAsync(new SubscriptionInput(email), default));
        failure.ShouldReport(field);
        _bed.Subscribers.All.ShouldBeEmpty();
        _bed.Email.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_overlong_address_a_bad_language_and_a_bad_source_are_each_named()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            _bed.Newsletter.SubscribeAsync(new SubscriptionInput(new string('a', 250) + "@example.com", "not a language", "two\nlines"), default));
        failure.ShouldReport("email");
        failure.ShouldReport("language");
        failure.ShouldReport("source");
    }

    [Fact]
    public async Task Following_the_link_confirms_and_following_it_again_changes_nothing()
    {
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        var token = _bed.LastConfirmationToken();
        _bed.Clock.Now += TimeSpan.FromHours(2);

        var first = await _bed.Newsletter.ConfirmAsync(token, default);
        _bed.Clock.Now += TimeSpan.FromHours(1);
        var again = await _bed.Newsletter.ConfirmAsync(token, default);

        first.ConfirmedAt.ShouldBe(AudienceTestBed.Start.AddHours(2));
        again.ShouldBe(first);
        _bed.Subscribers.All.ShouldHaveSingleItem().Status.ShouldBe(SubscriberStatus.Confirmed);
    }

    [Fact]
    public async Task Followers_hear_of_the_first_confirmation_only()
    {
        var follower = new RecordingConfirmationFollower();
        _bed.ConfirmationFollowers.Add(follower);
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        var token = _bed.LastConfirmationToken();

        await _bed.Newsletter.ConfirmAsync(token, default);
        await _bed.Newsletter.ConfirmAsync(token, default);

        var told = follower.Confirmed.ShouldHaveSingleItem();
        (told.Key, told.Status).ShouldBe((IndexingVault.Index("robin@example.com"), SubscriberStatus.Confirmed));
    }

    private sealed class RecordingConfirmationFollower : INewsletterConfirmationFollower
    {
        public List<NewsletterSubscriber> Confirmed { get; } = [];

        public Task SubscriberConfirmedAsync(NewsletterSubscriber subscriber, CancellationToken ct)
        {
            Confirmed.Add(subscriber);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task The_link_of_an_earlier_confirmation_email_no_longer_confirms()
    {
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        var old = _bed.LastConfirmationToken();
        _bed.Clock.Now += TimeSpan.FromDays(1);
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);

        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Newsletter.ConfirmAsync(old, default))).ShouldReport("token");
        _bed.Subscribers.All.ShouldHaveSingleItem().Status.ShouldBe(SubscriberStatus.Pending);
        await _bed.Newsletter.ConfirmAsync(_bed.LastConfirmationToken(), default);
        _bed.Subscribers.All.ShouldHaveSingleItem().Status.ShouldBe(SubscriberStatus.Confirmed);
    }

    [Fact]
    public async Task An_expired_link_does_not_confirm()
    {
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        _bed.Clock.Now += MarketingContacts.ConfirmationLinkLifetime + TimeSpan.FromSeconds(1);
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Newsletter.ConfirmAsync(_bed.LastConfirmationToken(), default))).ShouldReport("token", "expired");
        _bed.Subscribers.All.ShouldHaveSingleItem().Status.ShouldBe(SubscriberStatus.Pending);
    }

    [Fact]
    public async Task Opting_in_again_after_unsubscribing_lifts_that_suppression_but_not_a_bounce()
    {
        var key = IndexingVault.Index("robin@example.com");
        _bed.Put("robin@example.com", SubscriberStatus.Unsubscribed);
        await _bed.Suppressions.AddAsync(key, null, null, new SuppressionRecord(SuppressionReason.Unsubscribe, _bed.Clock.Now, "unsubscribe-link"), default);
        await _bed.Suppressions.AddAsync(key, null, null, new SuppressionRecord(SuppressionReason.Bounce, _bed.Clock.Now, "cmp_1"), default);

        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        await _bed.Newsletter.ConfirmAsync(_bed.LastConfirmationToken(), default);

        _bed.Suppressions.All.ShouldHaveSingleItem().Reasons.ShouldHaveSingleItem().Reason.ShouldBe(SuppressionReason.Bounce);
    }

    [Fact]
    public async Task A_subscription_with_a_customers_address_is_linked_to_the_customer()
    {
        _bed.Profiles.Add("cust-1", "robin@example.com", emailConsent: false);
        await _bed.Newsletter.SubscribeAsync(new SubscriptionInput("robin@example.com"), default);
        _bed.Subscribers.All.ShouldHaveSingleItem().CustomerId.ShouldBe("cust-1");
    }
}
