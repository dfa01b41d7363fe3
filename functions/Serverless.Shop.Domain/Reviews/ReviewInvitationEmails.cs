using System.Text;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>
/// After an order is delivered, emails its buyer one review link per product (an <see cref="IOrderChangeReaction"/> on
/// the <see cref="OrderChange.Delivered"/> entry). Each link is a signed invitation (<see cref="ReviewInvitationTokens"/>)
/// valid <see cref="ReviewSettings.InvitationDays"/> days, so a guest without an account can review too. The order
/// records nothing: the reviews container keeps an invitation marker, checked before and written after sending, so a
/// redelivered message sends no second email (a crash between sending and the marker sends it again: at least once).
/// Tests: ReviewInvitationEmailTests (domain), GuestReviewTests (over HTTP).
/// </summary>
public sealed class ReviewInvitationEmails(
    IReviewStore reviews, IEmailSender email, ReviewInvitationTokens tokens, ReviewSettings settings, TimeProvider clock) : IOrderChangeReaction
{
    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (entry.Change != OrderChange.Delivered || order.DeliveredAt is not { } deliveredAt || order.Email == PersonalData.Erased) return;
        var expiresAt = deliveredAt.AddDays(settings.InvitationDays);
        if (expiresAt <= clock.GetUtcNow() || await reviews.WasInvitedAsync(order.Number, ct)) return;
        var baseUrl = settings.InvitationBaseUrl
            ?? throw new NotConfiguredException("Reviews:InvitationBaseUrl is not set and the app does not know its own address, so review links cannot be made.");

        var products = order.Pricing.Lines.DistinctBy(l => l.ProductId).ToList();
        var text = new StringBuilder("Hello,\n\nYour order ").Append(order.Number)
            .Append(" was delivered. How do you like it? Your review helps other shoppers; each link below lets you rate one product, until ")
            .Append(expiresAt.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)).Append(".\n\n");
        foreach (var line in products)
        {
            var token = tokens.Create(new ReviewInvitation(order.Number, line.ProductId, expiresAt));
            text.Append("  ").Append(line.Name).Append(":\n  ").Append(baseUrl.ToString().TrimEnd('/')).Append('/').Append(token).Append("\n\n");
        }
        text.Append("Thank you for shopping with us.\n");
        await email.SendAsync(new EmailMessage([order.Email], $"Review your order {order.Number}", text.ToString()), ct);
        await reviews.RecordInvitationAsync(order.Number, clock.GetUtcNow(), ct);
    }
}
