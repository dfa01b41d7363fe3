using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

public sealed class AudiencePersonalDataTests
{
    private readonly AudienceTestBed _bed = new();

    private AudiencePersonalData Section => new(_bed.Subscribers, _bed.Suppressions, _bed.Vault);

    [Fact]
    public async Task The_export_holds_the_customers_subscription_and_suppressions_and_nothing_of_others()
    {
        var mine = _bed.Confirmed("robin@example.com", "cust-1");
        _bed.Confirmed("sam@example.com", "cust-2");
        await _bed.Suppressions.AddAsync(mine.Key, "robin@example.com", "cust-1", new SuppressionRecord(SuppressionReason.Bounce, _bed.Clock.Now, "cmp"), default);

        var export = (NewsletterExport)(await Section.ExportAsync("cust-1", default))!;

        export.Subscriptions.ShouldHaveSingleItem().Email.ShouldBe("robin@example.com");
        export.Suppressions.ShouldHaveSingleItem().Reasons.Single().Reason.ShouldBe(SuppressionReason.Bounce);
        (await Section.ExportAsync("cust-3", default)).ShouldBeNull();
    }

    [Fact]
    public async Task Erasure_destroys_the_subscriptions_key_and_deletes_it_but_keeps_the_address_suppressed_without_the_address()
    {
        var mine = _bed.Confirmed("robin@example.com", "cust-1");
        await _bed.Suppressions.AddAsync(mine.Key, "robin@example.com", "cust-1", new SuppressionRecord(SuppressionReason.Unsubscribe, _bed.Clock.Now, "link"), default);
        var suppressionOwner = _bed.Suppressions.All.Single().DataOwnerId!;

        await Section.CleanUpAsync("cust-1", default);
        await Section.CleanUpAsync("cust-1", default);

        _bed.Subscribers.All.ShouldBeEmpty();
        _bed.Vault.Erased.ShouldContain(DataOwner.MarketingContact(mine.DataOwnerId));
        _bed.Vault.Erased.ShouldContain(DataOwner.MarketingContact(suppressionOwner));
        var entry = _bed.Suppressions.All.ShouldHaveSingleItem();
        (entry.Key, entry.Email, entry.CustomerId).ShouldBe((mine.Key, null, null));
    }
}
