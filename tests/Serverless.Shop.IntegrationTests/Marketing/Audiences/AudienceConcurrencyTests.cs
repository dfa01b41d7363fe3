using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

/// <summary>What arrives at once from the Event Webhook (SendGrid posts batches in parallel) loses nothing, on the real stores.</summary>
[Collection(MarketingShopCollection.Name)]
public sealed class AudienceConcurrencyTests(MarketingShopFixture fixture)
{
    private T Service<T>() where T : notnull => fixture.Shop.Services.GetRequiredService<T>();

    [Fact]
    public async Task Reasons_for_one_address_written_at_once_all_stay()
    {
        var email = MarketingShopFixture.NewEmail("racing");
        var key = await Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);
        var list = Service<ISuppressionList>();
        var reasons = Enum.GetValues<SuppressionReason>();

        await Task.WhenAll(reasons.Select(reason => Task.Run(() =>
            list.AddAsync(key, email, null, new SuppressionRecord(reason, DateTimeOffset.UtcNow, "race"), default))));

        var entry = (await list.FindAsync(key, default)).ShouldNotBeNull();
        entry.Reasons.Select(r => r.Reason).Order().ShouldBe(reasons.Order());
        entry.Email.ShouldBe(email);
    }

    [Fact]
    public async Task Events_of_one_campaign_counted_at_once_are_all_counted()
    {
        var campaign = "cmp_" + Guid.NewGuid().ToString("N");
        var counters = Service<IEmailEngagementCounters>();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            counters.CountAsync(campaign, i % 2 == 0 ? EngagementKind.Delivered : EngagementKind.Opened, default))));

        (await counters.ReadAsync(campaign, default)).ShouldBe(new EmailEngagement(Delivered: 10, Opened: 10, 0, 0, 0, 0));
    }
}
