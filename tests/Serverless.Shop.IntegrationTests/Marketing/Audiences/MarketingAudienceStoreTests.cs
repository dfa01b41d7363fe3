using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.IntegrationTests.Customers;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

/// <summary>
/// The audience as campaigns read it, over the real stores on the emulators: customers by segment and consent (their
/// profiles and purchase histories), confirmed subscribers, the suppression list, one recipient per address.
/// </summary>
[Collection(MarketingShopCollection.Name)]
public sealed class MarketingAudienceStoreTests(MarketingShopFixture fixture)
{
    private T Service<T>() where T : notnull => fixture.Shop.Services.GetRequiredService<T>();

    private async Task<string> CustomerAsync(string who, string language, bool emailConsent)
    {
        var email = MarketingShopFixture.NewEmail(who);
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, email, "Robin Example");
        (await customer.PatchAsync(new { language, marketingConsent = new { email = emailConsent } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        return email;
    }

    private async Task<string> SubscriberAsync(string who, bool confirm)
    {
        var email = MarketingShopFixture.NewEmail(who);
        var anonymous = fixture.Client();
        (await anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        if (confirm)
        {
            var mail = await fixture.MailAsync(email, "Confirm your newsletter subscription");
            (await anonymous.GetAsync(fixture.LinkIn(mail, fixture.Shop.BaseAddress + "api/newsletter/confirmations?token="))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        return email;
    }

    [Fact]
    public async Task Only_consented_segment_customers_and_confirmed_subscribers_who_are_not_suppressed_are_listed_once_each_in_key_order()
    {
        var consented = await CustomerAsync("dutch-yes", "nl", emailConsent: true);
        var unconsented = await CustomerAsync("dutch-no", "nl", emailConsent: false);
        var otherSegment = await CustomerAsync("english-yes", "en", emailConsent: true);
        var suppressedCustomer = await CustomerAsync("dutch-suppressed", "nl", emailConsent: true);
        var confirmed = await SubscriberAsync("confirmed", confirm: true);
        var pending = await SubscriberAsync("pending", confirm: false);
        var suppressedSubscriber = await SubscriberAsync("suppressed-sub", confirm: true);
        // A consented customer who also confirmed the newsletter: one recipient.
        var both = await CustomerAsync("both", "nl", emailConsent: true);
        var bothSubscription = fixture.Client();
        (await bothSubscription.PostJsonAsync("api/newsletter/subscriptions", new { email = both })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await bothSubscription.GetAsync(fixture.LinkIn(await fixture.MailAsync(both, "Confirm your newsletter subscription"),
            fixture.Shop.BaseAddress + "api/newsletter/confirmations?token="))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var admin = fixture.Client(ShopRoles.Admin);
        foreach (var email in new[] { suppressedCustomer, suppressedSubscriber })
            (await admin.PostJsonAsync("api/marketing/suppressions", new { email })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var mine = new HashSet<string>([consented, unconsented, otherSegment, suppressedCustomer, confirmed, pending, suppressedSubscriber, both], StringComparer.OrdinalIgnoreCase);
        var listed = new List<MarketingRecipient>();
        await foreach (var r in Service<IMarketingAudience>().ListAsync(new AudienceSpec(["dutch"], NewsletterSubscribers: true), default)) listed.Add(r);

        listed.Select(r => r.Key).ShouldBe(listed.Select(r => r.Key).Order(StringComparer.Ordinal), "the whole audience in key order");
        listed.Select(r => r.Key).Distinct().Count().ShouldBe(listed.Count, "one recipient per address");
        var ours = listed.Where(r => mine.Contains(r.Email)).ToList();
        ours.Select(r => r.Email).Order().ShouldBe(new[] { consented, confirmed, both }.Order());
        var customer = ours.Single(r => r.Email == both);
        customer.CustomerId.ShouldNotBeNull();
        customer.FirstName.ShouldBe("Robin");
        customer.Key.ShouldBe(await Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, both, default));
        ours.Single(r => r.Email == confirmed).CustomerId.ShouldBeNull();

        var subscribersOnly = new List<MarketingRecipient>();
        await foreach (var r in Service<IMarketingAudience>().ListAsync(new AudienceSpec([], NewsletterSubscribers: true), default)) subscribersOnly.Add(r);
        subscribersOnly.Where(r => mine.Contains(r.Email)).Select(r => r.Email).Order().ShouldBe(new[] { confirmed, both }.Order());
    }

    [Fact]
    public async Task Listing_after_a_key_continues_with_exactly_the_rest_of_the_audience_in_key_order()
    {
        for (var i = 0; i < 3; i++) await CustomerAsync("after-key", "nl", emailConsent: true);
        for (var i = 0; i < 3; i++) await SubscriberAsync("after-key", confirm: true);
        var spec = new AudienceSpec(["dutch"], NewsletterSubscribers: true);
        var everyone = new List<MarketingRecipient>();
        await foreach (var r in Service<IMarketingAudience>().ListAsync(spec, default)) everyone.Add(r);
        everyone.Count.ShouldBeGreaterThanOrEqualTo(6);

        foreach (var cut in new[] { 0, everyone.Count / 2, everyone.Count - 1 })
        {
            var rest = new List<MarketingRecipient>();
            await foreach (var r in Service<IMarketingAudience>().ListAsync(spec, everyone[cut].Key, default)) rest.Add(r);
            rest.Select(r => r.Key).ShouldBe(everyone.Skip(cut + 1).Select(r => r.Key), $"after recipient {cut} of {everyone.Count}");
        }
    }

    [Fact]
    public async Task Listing_subscribers_costs_at_most_one_cosmos_call_per_recipient_plus_two_per_page()
    {
        for (var i = 0; i < 3; i++) await SubscriberAsync("budget", confirm: true);

        var calls = Infrastructure.Common.CosmosCallCounter.BeginScope();
        var listed = 0;
        await foreach (var _ in Service<IMarketingAudience>().ListAsync(new AudienceSpec([], NewsletterSubscribers: true), default)) listed++;

        listed.ShouldBeGreaterThanOrEqualTo(3);
        // Per page of 100: one query page and one suppression ReadMany; per recipient at most its data key (cached a minute).
        var pages = (listed + MarketingAudience.PageSize - 1) / MarketingAudience.PageSize;
        calls.Value.ShouldBeLessThanOrEqualTo(listed + 2 * pages + 1, $"{calls.Value} Cosmos DB calls for {listed} recipients");
    }
}
