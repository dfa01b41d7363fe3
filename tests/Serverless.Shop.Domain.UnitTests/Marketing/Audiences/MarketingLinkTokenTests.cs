using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

public sealed class MarketingLinkTokenTests
{
    private static readonly string Key = IndexingVault.Index("robin@example.com");
    private readonly MovableClock _clock = new(AudienceTestBed.Start);
    private readonly MarketingLinkTokens _tokens;

    public MarketingLinkTokenTests() => _tokens = new MarketingLinkTokens(new FixedLinkKey(), _clock);

    [Fact]
    public void A_confirmation_token_reads_back_what_it_was_made_for()
    {
        var link = new ConfirmationLink(Key, AudienceTestBed.Start, AudienceTestBed.Start.AddDays(3));
        _tokens.ReadConfirmation(_tokens.Confirmation(link)).ShouldBe(link);
    }

    [Fact]
    public void An_unsubscribe_token_reads_back_the_address_customer_and_campaign()
    {
        var link = new UnsubscribeLink(Key, "customer|with|bars", "cmp_1");
        _tokens.ReadUnsubscribe(_tokens.Unsubscribe(link)).ShouldBe(link);
        _tokens.ReadUnsubscribe(_tokens.Unsubscribe(new UnsubscribeLink(Key, null, null))).ShouldBe(new UnsubscribeLink(Key, null, null));
    }

    [Fact]
    public void A_confirmation_token_no_longer_works_once_expired()
    {
        var token = _tokens.Confirmation(new ConfirmationLink(Key, AudienceTestBed.Start, AudienceTestBed.Start.AddDays(3)));
        _clock.Now = AudienceTestBed.Start.AddDays(3);
        Should.Throw<ValidationFailedException>(() => _tokens.ReadConfirmation(token)).ShouldReport("token", "expired");
    }

    [Fact]
    public void An_unsubscribe_token_keeps_working_years_later()
    {
        var token = _tokens.Unsubscribe(new UnsubscribeLink(Key, null, "cmp_1"));
        _clock.Now = AudienceTestBed.Start.AddYears(5);
        _tokens.ReadUnsubscribe(token).Key.ShouldBe(Key);
    }

    [Fact]
    public void A_changed_token_is_refused()
    {
        var token = _tokens.Unsubscribe(new UnsubscribeLink(Key, "c1", null));
        var payload = token.Split('.')[0];
        // Another customer's id in the same token, the signature kept.
        var forged = _tokens.Unsubscribe(new UnsubscribeLink(Key, "c2", null)).Split('.')[0] + "." + token.Split('.')[1];
        Should.Throw<ValidationFailedException>(() => _tokens.ReadUnsubscribe(forged)).ShouldReport("token");
        var flipped = payload[..^1] + (payload[^1] == 'A' ? 'B' : 'A') + "." + token.Split('.')[1];
        Should.Throw<ValidationFailedException>(() => _tokens.ReadUnsubscribe(flipped)).ShouldReport("token");
    }

    [Fact]
    public void A_token_signed_with_another_key_is_refused()
    {
        var other = new MarketingLinkTokens(new FixedLinkKey(), _clock).Unsubscribe(new UnsubscribeLink(Key, null, null));
        Should.Throw<ValidationFailedException>(() => _tokens.ReadUnsubscribe(other)).ShouldReport("token");
    }

    [Fact]
    public void A_token_of_one_purpose_does_not_work_for_the_other()
    {
        var unsubscribe = _tokens.Unsubscribe(new UnsubscribeLink(Key, "1", "2"));
        Should.Throw<ValidationFailedException>(() => _tokens.ReadConfirmation(unsubscribe)).ShouldReport("token");
        var confirmation = _tokens.Confirmation(new ConfirmationLink(Key, AudienceTestBed.Start, AudienceTestBed.Start.AddDays(1)));
        Should.Throw<ValidationFailedException>(() => _tokens.ReadUnsubscribe(confirmation)).ShouldReport("token");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public void Malformed_tokens_are_refused(string? token)
    {
        Should.Throw<ValidationFailedException>(() => _tokens.ReadUnsubscribe(token)).ShouldReport("token");
        Should.Throw<ValidationFailedException>(() => _tokens.ReadConfirmation(token)).ShouldReport("token");
    }

    [Fact]
    public void An_overlong_token_is_refused_before_any_work()
    {
        var token = new string('a', MarketingLinkTokens.MaximumTokenLength) + ".b";
        Should.Throw<ValidationFailedException>(() => _tokens.ReadUnsubscribe(token)).ShouldReport("token");
    }
}
