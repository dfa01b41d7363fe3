using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>The local host's mailbox pages list what the shop sent, render each email safely, and refuse what is not an email of the mailbox.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class LocalMailboxPageTests(LocalShopFixture fixture)
{
    [Fact]
    public async Task The_list_shows_an_email_the_shop_sent_and_its_page_renders_the_html_in_a_sandbox()
    {
        var subject = $"Mailbox page {Guid.NewGuid():N}";
        await fixture.Shop.Services.GetRequiredService<IEmailSender>().SendAsync(
            new EmailMessage(["reader@example.com"], subject, "The text version.", "<p>The <strong>HTML</strong> version.</p>"), CancellationToken.None);
        using var client = fixture.Client();

        var list = await client.GetStringAsync("simulators/mailbox");
        list.ShouldContain(subject);
        var name = Directory.GetFiles(fixture.Shop.MailboxDirectory, "*.eml").Select(Path.GetFileName).Single(f => File.ReadAllText(Path.Combine(fixture.Shop.MailboxDirectory, f!)).Contains(subject, StringComparison.Ordinal));
        list.ShouldContain($"/simulators/mailbox/{name}");

        var page = await client.GetStringAsync($"simulators/mailbox/{name}");
        page.ShouldContain("reader@example.com");
        page.ShouldContain($"<iframe title=\"The email\" src=\"/simulators/mailbox/{name}/html\" sandbox=");
        page.ShouldContain("The text version.");

        using var html = await client.GetAsync($"simulators/mailbox/{name}/html");
        html.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await html.Content.ReadAsStringAsync()).ShouldContain("<strong>HTML</strong>");
        html.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("sandbox ");
    }

    [Fact]
    public async Task A_marketing_email_gets_the_one_click_unsubscribe_button_a_mail_client_shows()
    {
        var name = $"20990101-000000-000-one-click-{Guid.NewGuid():N}.eml";
        Directory.CreateDirectory(fixture.Shop.MailboxDirectory);
        await File.WriteAllTextAsync(Path.Combine(fixture.Shop.MailboxDirectory, name), string.Join("\r\n",
            "From: shop@example.com", "To: reader@example.com", "Subject: =?utf-8?B?V2Vla2x5IG5ld3Mg4pyJ?=", "Date: Mon, 07 Dec 2026 10:00:00 +0000",
            "List-Unsubscribe: <mailto:unsubscribe@example.com>, <https://shop.example/api/unsubscribe?token=abc%2Bdef>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", "Hello.", ""));
        using var client = fixture.Client();

        var page = await client.GetStringAsync($"simulators/mailbox/{name}");

        page.ShouldContain("Weekly news \u2709");
        page.ShouldContain("<form method=\"post\" action=\"https://shop.example/api/unsubscribe?token=abc%2Bdef\">");
        page.ShouldContain("name=\"List-Unsubscribe\" value=\"One-Click\"");
        page.ShouldContain("<pre>Hello.");
    }

    [Fact]
    public async Task An_email_without_list_unsubscribe_post_gets_no_one_click_button()
    {
        var name = $"20990101-000000-000-no-post-{Guid.NewGuid():N}.eml";
        Directory.CreateDirectory(fixture.Shop.MailboxDirectory);
        await File.WriteAllTextAsync(Path.Combine(fixture.Shop.MailboxDirectory, name), string.Join("\r\n",
            "From: shop@example.com", "To: reader@example.com", "Subject: Plain", "List-Unsubscribe: <https://shop.example/api/unsubscribe?token=x>",
            "Content-Type: text/plain; charset=utf-8", "", "Hello.", ""));
        using var client = fixture.Client();

        var page = await client.GetStringAsync($"simulators/mailbox/{name}");

        page.ShouldNotContain("<form");
    }

    [Theory]
    [InlineData("simulators/mailbox/no-such-email.eml")]
    [InlineData("simulators/mailbox/..%2F..%2Fdev-tokens.json")]
    [InlineData("simulators/mailbox/..%2Fmailbox.eml")]
    [InlineData("simulators/mailbox/no-such-email.eml/html")]
    public async Task What_is_not_an_email_of_the_mailbox_is_not_found(string path)
    {
        using var client = fixture.Client();

        using var response = await client.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
