using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

[Collection(MarketingShopCollection.Name)]
public sealed class NewsletterApiTests(MarketingShopFixture fixture)
{
    private readonly HttpClient _anonymous = fixture.Client();

    private IMarketingAudience Audience => fixture.Shop.Services.GetRequiredService<IMarketingAudience>();

    [Fact]
    public async Task A_visitor_subscribes_confirms_by_the_emailed_link_and_only_then_may_be_sent_marketing()
    {
        var email = MarketingShopFixture.NewEmail("visitor");
        var response = await _anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email, language = "nl", source = "footer" });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync()).GetProperty("status").GetString().ShouldBe("confirmation-sent");
        (await Audience.MaySendAsync(email, default)).ShouldBeFalse();

        var mail = await fixture.MailAsync(email, "Confirm your newsletter subscription");
        var link = fixture.LinkIn(mail, fixture.Shop.BaseAddress + "api/newsletter/confirmations?token=");
        var page = await _anonymous.GetAsync(link);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await page.Content.ReadAsStringAsync()).ShouldContain("confirmed");

        (await Audience.MaySendAsync(email, default)).ShouldBeTrue();
        // Confirming again (the API's POST, or the link again) is harmless.
        var again = await _anonymous.PostAsync(link, null);
        again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        (await again.JsonAsync()).GetProperty("status").GetString().ShouldBe("confirmed");
    }

    [Fact]
    public async Task Subscribing_the_same_address_again_the_same_day_sends_no_second_confirmation()
    {
        var email = MarketingShopFixture.NewEmail("twice");
        for (var i = 0; i < 3; i++)
            (await _anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email = i == 1 ? email.ToUpperInvariant() : email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await fixture.MailAsync(email, "Confirm your newsletter subscription");
        await Task.Delay(500);
        fixture.Mails(email, "Confirm your newsletter subscription").Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_address_is_stored_sealed_and_found_by_its_blind_index()
    {
        var email = MarketingShopFixture.NewEmail("sealed");
        (await _anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var index = await fixture.Shop.Services.GetRequiredService<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);
        var id = "subscriber:" + MarketingContacts.IdOf(index);
        var container = fixture.Shop.Services.GetRequiredService<ShopContainers>().DataKeys.Database.GetContainer("marketing-audiences");
        using var raw = await container.ReadItemStreamAsync(id, new Microsoft.Azure.Cosmos.PartitionKey(id));
        raw.IsSuccessStatusCode.ShouldBeTrue();
        var text = await new StreamReader(raw.Content).ReadToEndAsync();
        text.ShouldNotContain(email.Split('@')[0], customMessage: "the address is nowhere in the document in plain");
        using var document = System.Text.Json.JsonDocument.Parse(text);
        document.RootElement.GetProperty("key").GetString().ShouldBe(index);
        document.RootElement.GetProperty("email").GetString().ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("{\"email\":\"not an address\"}", "email")]
    [InlineData("{\"email\":\"\"}", "email")]
    [InlineData("{}", "email")]
    [InlineData("{\"email\":\"a@example.com\",\"language\":\"??\"}", "language")]
    [InlineData("{\"email\":\"a@example.com\",\"source\":\"\"}", "source")]
    public async Task Bad_input_is_a_400_naming_the_field_and_nothing_is_sent(string body, string field)
    {
        var response = await _anonymous.SendRawAsync(HttpMethod.Post, "api/newsletter/subscriptions", body);
        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        var response = await _anonymous.SendRawAsync(HttpMethod.Post, "api/newsletter/subscriptions", "{\"email\":");
        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?token=")]
    [InlineData("?token=abc.def")]
    public async Task A_forged_or_missing_confirmation_token_is_a_400_on_the_token(string query)
    {
        await ProblemAssertions.ShouldBeProblem(await _anonymous.GetAsync("api/newsletter/confirmations" + query), HttpStatusCode.BadRequest, "token");
        await ProblemAssertions.ShouldBeProblem(await _anonymous.PostAsync("api/newsletter/confirmations" + query, null), HttpStatusCode.BadRequest, "token");
    }

    [Fact]
    public async Task An_expired_confirmation_link_is_a_400_and_confirms_nothing()
    {
        var email = MarketingShopFixture.NewEmail("late");
        (await _anonymous.PostJsonAsync("api/newsletter/subscriptions", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var index = await fixture.Shop.Services.GetRequiredService<IPersonalDataVault>().BlindIndexAsync(BlindIndexKind.Email, email, default);
        var subscriber = (await fixture.Shop.Services.GetRequiredService<INewsletterSubscriberStore>().FindAsync(index, default))!.Value;
        // A link the shop signed, for the latest email, but whose time ran out.
        var expired = fixture.Shop.Services.GetRequiredService<MarketingLinkTokens>()
            .Confirmation(new ConfirmationLink(index, subscriber.ConfirmationSentAt!.Value, DateTimeOffset.UtcNow.AddSeconds(-1)));

        var problem = await ProblemAssertions.ShouldBeProblem(await _anonymous.GetAsync($"api/newsletter/confirmations?token={Uri.EscapeDataString(expired)}"), HttpStatusCode.BadRequest, "token");
        problem.ToString().ShouldContain("expired");
        (await Audience.MaySendAsync(email, default)).ShouldBeFalse();
    }
}
