using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Reviews;

public sealed class ReviewRulesTests
{
    private static ValidationFailedException Refuse(ReviewInput input) => Should.Throw<ValidationFailedException>(() => ReviewRules.Check(input));

    [Theory]
    [InlineData(7)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(2.5)]
    public void A_rating_outside_one_to_five_or_not_whole_is_refused_on_the_rating_field(double rating) =>
        Refuse(ReviewTestBed.Good() with { Rating = (decimal)rating }).ShouldReport("rating", "whole number from 1 to 5");

    [Fact]
    public void Every_missing_field_is_reported_at_once() =>
        Refuse(new ReviewInput(null, " ", null, "")).Errors.Keys.ShouldBe(["rating", "title", "text", "displayName"], ignoreOrder: true);

    [Fact]
    public void Text_longer_than_the_limit_and_a_title_too_long_are_refused()
    {
        var failure = Refuse(ReviewTestBed.Good() with { Title = new string('t', ReviewRules.MaximumTitleLength + 1), Text = new string('x', ReviewRules.MaximumTextLength + 1) });
        failure.ShouldReport("text", "at most 5000");
        failure.ShouldReport("title");
    }

    [Fact]
    public void A_good_review_is_trimmed()
    {
        var (rating, title, text, name) = ReviewRules.Check(new ReviewInput(4, "  Nice  ", "  Very nice mug indeed.  ", " Ada "));
        (rating, title, text, name).ShouldBe((4, "Nice", "Very nice mug indeed.", "Ada"));
    }

    [Fact]
    public void Rejecting_needs_a_reason_and_approving_does_not()
    {
        Should.Throw<ValidationFailedException>(() => ReviewRules.CheckReason(new ModerationInput("  "), required: true)).ShouldReport("reason");
        ReviewRules.CheckReason(new ModerationInput(null), required: false).ShouldBe("");
    }
}

public sealed class ReviewScreeningTests
{
    [Theory]
    [InlineData("Buy cheap at https://spam.example now", "link")]
    [InlineData("Write to me at deals@spam.example please", "link")]
    [InlineData("visit www.cheap-mugs.example for more", "link")]
    [InlineData("This mug is shit honestly", "profanity")]
    [InlineData("Great mug!!!!!!!", "repeated-characters")]
    [InlineData("THIS IS THE BEST MUG I HAVE EVER OWNED", "all-caps")]
    [InlineData("mug mug mug mug great mug mug mug", "repeated-text")]
    public void The_pre_screen_flags_links_profanity_and_spam_patterns(string text, string flag) =>
        ReviewScreening.Flags("A title", text).ShouldContain(flag);

    [Fact]
    public void A_title_repeated_as_the_text_is_repeated_text() =>
        ReviewScreening.Flags("Nice mug here", "nice mug here").ShouldContain("repeated-text");

    [Theory]
    [InlineData("Keeps my tea warm and the glaze is beautiful. Dishwasher safe too!")]
    [InlineData("Scunthorpe fans will like the classic shape; assessed over 3 weeks.")]
    [InlineData("I bought it for my NHS colleague and she loves it.")]
    public void Ordinary_reviews_are_clean(string text) =>
        ReviewScreening.Flags("Lovely mug", text).ShouldBeEmpty();
}
