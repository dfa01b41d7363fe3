using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.IntegrationTests.Customers;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

[Collection(MarketingShopCollection.Name)]
public sealed class UnsubscribeApiTests(MarketingShopFixture fixture)
{
    private readonly HttpClient _anonymous = fixture.Client();

    private T Service<T>() where T : notnull => fixture.Shop.Services.GetRequiredService<T>();

    private async Task<(ProfileClient Customer, string Email, string Link)> ConsentedCustomerAsync(string campaignId = "cmp_unsubscribe_test")
    {
        var email = MarketingShopFixture.NewEmail("reader");
        var (customer, customerId) = await ProfileClient.SignUpAsync(fixture, email);
        (await customer.PatchAsync(new { marketingConsent = new { email = true }, consentSource = "account-page" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var key = await Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);
        var link = Service<IUnsubscribeLinks>().For(new MarketingRecipient(key, email, customerId, null, null), campaignId);
        link.Authority.ShouldBe(fixture.Shop.BaseAddress.Authority);
        return (customer, email, link.PathAndQuery.TrimStart('/'));
    }

    private static FormUrlEncodedContent OneClick() => new([new("List-Unsubscribe", "One-Click")]);

    [Fact]
    public async Task The_link_shows_a_page_with_a_button_and_changes_nothing_until_it_is_pressed()
    {
        var (customer, email, link) = await ConsentedCustomerAsync();

        var page = await _anonymous.GetAsync(link);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("<form method=\"post\"");
        html.ShouldContain("name=\"List-Unsubscribe\" value=\"One-Click\"");
        html.ShouldNotContain(email);

        (await customer.ProfileAsync()).GetProperty("marketingConsent").GetProperty("email").GetBoolean().ShouldBeTrue();
        (await Service<IMarketingAudience>().MaySendAsync(email, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task One_click_suppresses_the_address_and_withdraws_the_consent_once_however_often_it_is_posted()
    {
        var (customer, email, link) = await ConsentedCustomerAsync();

        for (var i = 0; i < 2; i++)
        {
            var response = await _anonymous.PostAsync(link, OneClick());
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        var profile = await customer.ProfileAsync();
        profile.GetProperty("marketingConsent").GetProperty("email").GetBoolean().ShouldBeFalse();
        var history = profile.GetProperty("consentHistory").EnumerateArray().Select(h => (h.GetProperty("granted").GetBoolean(), h.GetProperty("source").GetString())).ToList();
        history.ShouldBe([(true, "account-page"), (false, "unsubscribe-link")]);
        var key = await Service<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);
        var entry = (await Service<ISuppressionList>().FindAsync(key, default)).ShouldNotBeNull();
        entry.Reasons.ShouldHaveSingleItem().ShouldSatisfyAllConditions(r => r.Reason.ShouldBe(SuppressionReason.Unsubscribe), r => r.Source.ShouldBe("cmp_unsubscribe_test"));
        entry.Email.ShouldBe(email);
        (await Service<IMarketingAudience>().MaySendAsync(email, default)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_multipart_one_click_post_works_as_mail_clients_may_send_it()
    {
        var (_, email, link) = await ConsentedCustomerAsync();
        using var form = new MultipartFormDataContent { { new StringContent("One-Click"), "List-Unsubscribe" } };
        (await _anonymous.PostAsync(link, form)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Service<IMarketingAudience>().MaySendAsync(email, default)).ShouldBeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("List-Unsubscribe=Two-Clicks")]
    public async Task A_post_without_the_one_click_field_is_a_400_and_unsubscribes_nothing(string? body)
    {
        var (_, email, link) = await ConsentedCustomerAsync();
        HttpContent? content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        await ProblemAssertions.ShouldBeProblem(await _anonymous.PostAsync(link, content), HttpStatusCode.BadRequest, "List-Unsubscribe");
        (await Service<IMarketingAudience>().MaySendAsync(email, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_changed_or_foreign_token_is_a_400_and_unsubscribes_nothing()
    {
        var (_, email, link) = await ConsentedCustomerAsync();
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        var otherKey = new MarketingLinkTokens(new FixedKey(), TimeProvider.System).Unsubscribe(Service<MarketingLinkTokens>().ReadUnsubscribe(token));
        var changed = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

        foreach (var bad in new[] { otherKey, changed, "", "x.y" })
        {
            await ProblemAssertions.ShouldBeProblem(await _anonymous.GetAsync($"{UnsubscribeLinks.Path}?token={Uri.EscapeDataString(bad)}".Insert(0, "api/")), HttpStatusCode.BadRequest, "token");
            await ProblemAssertions.ShouldBeProblem(await _anonymous.PostAsync($"api/{UnsubscribeLinks.Path}?token={Uri.EscapeDataString(bad)}", OneClick()), HttpStatusCode.BadRequest, "token");
        }
        (await Service<IMarketingAudience>().MaySendAsync(email, default)).ShouldBeTrue();
    }

    private sealed class FixedKey : IMarketingLinkKey
    {
        public byte[] Key { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    }
}
