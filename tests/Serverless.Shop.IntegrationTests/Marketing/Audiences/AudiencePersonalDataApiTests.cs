using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.IntegrationTests.Customers;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

/// <summary>The newsletter's share of a customer's data export and erasure, through the privacy routes on the real stores.</summary>
[Collection(MarketingShopCollection.Name)]
public sealed class AudiencePersonalDataApiTests(MarketingShopFixture fixture)
{
    private T Service<T>() where T : notnull => fixture.Shop.Services.GetRequiredService<T>();

    [Fact]
    public async Task A_customers_subscription_is_in_their_export_and_erasure_removes_it_but_keeps_the_address_suppressed()
    {
        var email = MarketingShopFixture.NewEmail("erasable");
        var (customer, customerId) = await ProfileClient.SignUpAsync(fixture, email);
        var anonymous = fixture.Client();
        (await anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email, source = "footer" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var mail = await fixture.MailAsync(email, "Confirm your newsletter subscription");
        (await anonymous.GetAsync(fixture.LinkIn(mail, fixture.Shop.BaseAddress + "api/newsletter/confirmations?token="))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var key = await Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);
        await Service<ISuppressionList>().AddAsync(key, email, customerId, new SuppressionRecord(SuppressionReason.Bounce, DateTimeOffset.UtcNow, "cmp_x"), default);

        var export = await (await customer.Http.GetAsync("api/me/data-export")).JsonAsync();
        var newsletter = export.GetProperty("sections").GetProperty("newsletter");
        var subscription = newsletter.GetProperty("subscriptions").EnumerateArray().ShouldHaveSingleItem();
        subscription.GetProperty("email").GetString().ShouldBe(email);
        subscription.GetProperty("status").GetString().ShouldBe("confirmed");
        newsletter.GetProperty("suppressions").EnumerateArray().ShouldHaveSingleItem().GetProperty("email").GetString().ShouldBe(email);

        var erased = await fixture.Client(ShopRoles.Admin).PostJsonAsync("api/privacy/erasures", new { customerId });
        erased.StatusCode.ShouldBe(HttpStatusCode.OK, await erased.Content.ReadAsStringAsync());

        (await Service<INewsletterSubscriberStore>().FindAsync(key, default)).ShouldBeNull();
        var entry = (await Service<ISuppressionList>().FindAsync(key, default)).ShouldNotBeNull();
        (entry.Email, entry.CustomerId).ShouldBe((null, null));
        entry.Reasons.ShouldHaveSingleItem().Reason.ShouldBe(SuppressionReason.Bounce);
        (await Service<IMarketingAudience>().MaySendAsync(email, default)).ShouldBeFalse();
        (await Service<AudiencePersonalData>().ExportAsync(customerId, default)).ShouldBeNull("nothing left that names the customer");
    }
}
