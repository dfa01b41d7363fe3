using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

/// <summary>
/// Makes people of a campaign's audience the way real people join it, over a local host's HTTP API (in process or a
/// child process): customers who sign up through the local customer sign-in, verify their address from the mailbox,
/// set their profile's language (which puts them in the segment whose rule is that language) and agree to email
/// marketing; and newsletter subscribers who subscribe and confirm by the emailed link (double opt-in).
/// </summary>
public sealed partial class AudienceMembers(Func<HttpClient> anonymous, string mailboxDirectory)
{
    private const string Password = "correct horse battery";

    /// <summary>A customer in the segment of <paramref name="language"/> who agreed to email marketing (or, with <paramref name="emailConsent"/> false, said no); their profile name is <paramref name="name"/>.</summary>
    public async Task ConsentedCustomerAsync(string email, string language, string name = "Reader Example", bool emailConsent = true)
    {
        using var client = anonymous();
        (await client.PostAsJsonAsync("simulators/customers/sign-up", new { email, name, password = Password })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var verify = VerifyLink().Match(await MailAsync(email, "Verify your email")).Value;
        (await client.GetAsync(verify)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var signIn = await client.PostAsJsonAsync("simulators/customers/token", new { email, password = Password });
        signIn.StatusCode.ShouldBe(HttpStatusCode.OK, await signIn.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await signIn.JsonAsync()).GetProperty("accessToken").GetString());
        (await client.GetAsync("api/me/profile")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var patch = await client.PatchAsync("api/me/profile", JsonContent.Create(new { language, marketingConsent = new { email = emailConsent } }));
        patch.StatusCode.ShouldBe(HttpStatusCode.OK, await patch.Content.ReadAsStringAsync());
    }

    /// <summary>A newsletter subscriber who subscribed and confirmed by the link in the confirmation email.</summary>
    public async Task ConfirmedSubscriberAsync(string email)
    {
        using var client = anonymous();
        (await client.PostJsonAsync("api/newsletter/subscriptions", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var confirm = ConfirmLink().Match(await MailAsync(email, "Confirm your newsletter subscription")).Value;
        confirm.ShouldNotBeEmpty("the confirmation email has a link");
        (await client.GetAsync(confirm)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<string> MailAsync(string to, string subjectPart)
    {
        for (var i = 0; i < 100; i++)
        {
            var mail = Directory.Exists(mailboxDirectory)
                ? Directory.GetFiles(mailboxDirectory, "*.eml").Select(File.ReadAllText)
                    .LastOrDefault(text => text.Contains($"To: {to}", StringComparison.Ordinal) && text.Contains(subjectPart, StringComparison.Ordinal))
                : null;
            if (mail is not null) return mail;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No email '{subjectPart}' to {to} in {mailboxDirectory}.");
    }

    [GeneratedRegex(@"http://[^\s]+/simulators/customers/verify\?token=[A-Za-z0-9_\-%]+")]
    private static partial Regex VerifyLink();

    [GeneratedRegex(@"http://[^\s""<]+/api/newsletter/confirmations\?token=[^\s""<]+")]
    private static partial Regex ConfirmLink();
}
