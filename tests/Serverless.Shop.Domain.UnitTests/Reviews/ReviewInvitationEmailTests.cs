using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Reviews;

public sealed class ReviewInvitationEmailTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ReviewTestBed _bed = new();
    private readonly RecordingEmailSender _email = new();

    private ReviewInvitationEmails Reaction(ReviewSettings? settings = null) =>
        new(_bed.Reviews, _email, _bed.Tokens, settings ?? _bed.Settings, _bed.Orders.Clock);

    private static OrderHistoryEntry Entry(OrderChange change) => new(9, Common.FixedClock.Instant, change, OrderStatus.Delivered, "carrier");

    [Fact]
    public async Task A_delivered_order_gets_one_email_with_a_working_link_per_product_and_a_redelivery_sends_none()
    {
        var order = await _bed.OrderAsync(customerId: null);

        await Reaction().ReactAsync(order, Entry(OrderChange.Delivered), Ct);
        await Reaction().ReactAsync(order, Entry(OrderChange.Delivered), Ct);

        var mail = _email.Sent.ShouldHaveSingleItem();
        mail.To.ShouldBe([order.Email]);
        var tokens = mail.TextBody.Split('\n').Where(l => l.Contains("/api/review-invitations/", StringComparison.Ordinal))
            .Select(l => l.Trim().Split('/')[^1]).ToList();
        tokens.Select(t => _bed.Tokens.Read(t).ProductId).ShouldBe(["prod_mug", "prod_tee"], ignoreOrder: true);
        tokens.ShouldAllBe(t => _bed.Tokens.Read(t).OrderNumber == order.Number);
    }

    [Theory]
    [InlineData(OrderChange.Shipped)]
    [InlineData(OrderChange.Paid)]
    [InlineData(OrderChange.Returned)]
    public async Task Other_changes_send_nothing(OrderChange change)
    {
        await Reaction().ReactAsync(await _bed.OrderAsync(customerId: null), Entry(change), Ct);
        _email.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_erased_buyer_or_a_link_that_would_already_have_expired_gets_no_email()
    {
        var order = await _bed.OrderAsync(customerId: null);
        await Reaction().ReactAsync(order with { Email = Serverless.Shop.Domain.Privacy.PersonalData.Erased }, Entry(OrderChange.Delivered), Ct);
        await Reaction().ReactAsync(order with { DeliveredAt = Common.FixedClock.Instant.AddDays(-91) }, Entry(OrderChange.Delivered), Ct);
        _email.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_an_address_for_the_links_the_reaction_fails_loudly_and_records_nothing()
    {
        var order = await _bed.OrderAsync(customerId: null);
        await Should.ThrowAsync<NotConfiguredException>(() => Reaction(_bed.Settings with { InvitationBaseUrl = null }).ReactAsync(order, Entry(OrderChange.Delivered), Ct));
        _email.Sent.ShouldBeEmpty();
        (await _bed.Reviews.WasInvitedAsync(order.Number, Ct)).ShouldBeFalse("a redelivery tries again");
    }
}
