using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

/// <summary>The campaign store's claims on the Cosmos DB emulator, through the real SDK.</summary>
[Collection(CampaignShopCollection.Name)]
public sealed class CosmosCampaignStoreTests(CampaignShopFixture fixture)
{
    private ICampaignStore Store => fixture.Shop.Services.GetRequiredService<ICampaignStore>();

    private static Campaign Campaign(CampaignStatus status, DateTimeOffset? next) => new()
    {
        Id = Domain.Common.Ids.New("cmp"), Name = "Store test", Audience = new AudienceSpec([], true), Content = new CampaignContent("s", "h", "t"),
        Status = status, NextSendAt = next, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "test",
    };

    [Fact]
    public async Task A_batch_number_is_claimed_once_and_the_last_claim_is_found_by_its_number()
    {
        var campaign = Campaign(CampaignStatus.Sending, null);
        await Store.CreateAsync(campaign, CancellationToken.None);
        var now = DateTimeOffset.UtcNow;

        (await Store.TryClaimAsync(new CampaignBatch(campaign.Id, "occ", 0, null, "k02", 3, now), CancellationToken.None)).ShouldBeTrue();
        (await Store.TryClaimAsync(new CampaignBatch(campaign.Id, "occ", 0, null, "k05", 6, now), CancellationToken.None)).ShouldBeFalse();
        (await Store.TryClaimAsync(new CampaignBatch(campaign.Id, "occ", 1, "k02", "k05", 3, now), CancellationToken.None)).ShouldBeTrue();
        (await Store.TryClaimAsync(new CampaignBatch(campaign.Id, "other", 10, null, "k09", 3, now), CancellationToken.None)).ShouldBeTrue();

        var last = await Store.FindLastBatchAsync(campaign.Id, "occ", CancellationToken.None);
        (last!.Number, last.LastKey).ShouldBe((1, "k05"));
        (await Store.FindLastBatchAsync(campaign.Id, "none", CancellationToken.None)).ShouldBeNull();

        await Store.MarkSentAsync(last with { Sent = true, Delivered = 3 }, CancellationToken.None);
        await Store.ReleaseAsync(new CampaignBatch(campaign.Id, "other", 10, null, "k09", 3, now), CancellationToken.None);
        var batches = await Store.ListBatchesAsync(campaign.Id, CancellationToken.None);
        batches.Select(b => (b.Number, b.Sent)).OrderBy(b => b.Number).ShouldBe([(0, false), (1, true)]);
    }

    [Fact]
    public async Task Lists_as_due_the_campaigns_scheduled_up_to_now_and_those_left_sending()
    {
        var now = DateTimeOffset.UtcNow;
        var due = Campaign(CampaignStatus.Scheduled, now.AddMinutes(-1));
        var later = Campaign(CampaignStatus.Scheduled, now.AddHours(1));
        var sending = Campaign(CampaignStatus.Sending, null);
        var draft = Campaign(CampaignStatus.Draft, null);
        foreach (var c in new[] { due, later, sending, draft }) await Store.CreateAsync(c, CancellationToken.None);

        var ids = await Store.ListDueAsync(now, 1000, CancellationToken.None);

        ids.ShouldContain(due.Id);
        ids.ShouldContain(sending.Id);
        ids.ShouldNotContain(later.Id);
        ids.ShouldNotContain(draft.Id);
    }

    [Fact]
    public async Task A_replace_with_a_stale_version_is_refused()
    {
        var campaign = Campaign(CampaignStatus.Draft, null);
        var version = await Store.CreateAsync(campaign, CancellationToken.None);
        await Store.ReplaceAsync(campaign with { Name = "First" }, version, CancellationToken.None);

        await Should.ThrowAsync<Domain.Common.StaleVersionException>(() => Store.ReplaceAsync(campaign with { Name = "Second" }, version, CancellationToken.None));
        (await Store.FindAsync(campaign.Id, CancellationToken.None))!.Value.Name.ShouldBe("First");
    }
}
