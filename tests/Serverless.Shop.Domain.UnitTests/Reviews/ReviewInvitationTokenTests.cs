using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Reviews;

public sealed class ReviewInvitationTokenTests
{
    private static readonly DateTimeOffset Now = FixedClock.Instant;
    private readonly ReviewInvitationTokens _tokens = new(FixedInvitationKey.Default, new FixedClock(Now));
    private static readonly ReviewInvitation Invitation = new("SS-7KQ4-XM2P", "prod_mug", Now.AddDays(30));

    [Fact]
    public void A_token_the_shop_made_reads_back_as_its_invitation() =>
        _tokens.Read(_tokens.Create(Invitation)).ShouldBe(Invitation with { ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(Invitation.ExpiresAt.ToUnixTimeSeconds()) });

    [Fact]
    public void Changing_any_character_of_the_token_is_refused()
    {
        var token = _tokens.Create(Invitation);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.') continue;
            var changed = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Should.Throw<InvalidInvitationException>(() => _tokens.Read(changed), $"position {i}");
        }
    }

    [Fact]
    public void A_token_naming_another_product_with_the_old_signature_is_refused()
    {
        var token = _tokens.Create(Invitation);
        var forged = _tokens.Create(Invitation with { ProductId = "prod_tee" }).Split('.')[0] + "." + token.Split('.')[1];
        Should.Throw<InvalidInvitationException>(() => _tokens.Read(forged));
    }

    [Fact]
    public void A_token_signed_with_another_key_is_refused()
    {
        var other = new ReviewInvitationTokens(new FixedInvitationKey(new byte[32]), new FixedClock(Now));
        Should.Throw<InvalidInvitationException>(() => _tokens.Read(other.Create(Invitation)));
    }

    [Fact]
    public void An_expired_token_is_refused_even_though_its_signature_is_good()
    {
        var token = _tokens.Create(Invitation with { ExpiresAt = Now.AddSeconds(-1) });
        Should.Throw<InvalidInvitationException>(() => _tokens.Read(token)).Message.ShouldContain("expired");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public void Malformed_tokens_are_refused(string? token) =>
        Should.Throw<InvalidInvitationException>(() => _tokens.Read(token));
}
