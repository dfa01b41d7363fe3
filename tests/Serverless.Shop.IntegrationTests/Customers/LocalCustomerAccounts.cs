using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>A shopper using the local host's customer sign-up and sign-in page over HTTP, and reading the local mailbox.</summary>
public sealed partial class LocalCustomerAccounts(LocalShopFixture fixture)
{
    public const string Password = "correct horse battery";

    public HttpClient Anonymous { get; } = fixture.Client();

    public static string NewEmail(string who = "shopper") => $"{who}-{Guid.NewGuid():N}@example.com";

    public Task<HttpResponseMessage> SignUpAsync(string email, string name = "Sam Shopper", string password = Password) =>
        Anonymous.PostAsJsonAsync("simulators/customers/sign-up", new { email, name, password });

    public Task<HttpResponseMessage> TokenAsync(string email, string password = Password) =>
        Anonymous.PostAsJsonAsync("simulators/customers/token", new { email, password });

    /// <summary>The verification link of the newest email to this address in the local mailbox (waits for it a little).</summary>
    public async Task<string> VerificationLinkAsync(string email)
    {
        for (var i = 0; i < 50; i++)
        {
            var mail = Directory.Exists(fixture.Shop.MailboxDirectory)
                ? Directory.GetFiles(fixture.Shop.MailboxDirectory, "*.eml").Select(File.ReadAllText)
                    .LastOrDefault(text => text.Contains($"To: {email}", StringComparison.Ordinal) && text.Contains("Verify your email", StringComparison.Ordinal))
                : null;
            if (mail is not null) return VerifyLink().Match(mail).Value;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No verification email to {email} in {fixture.Shop.MailboxDirectory}.");
    }

    /// <summary>Signs up, follows the link in the email, signs in: the customer's access token.</summary>
    public async Task<string> VerifiedCustomerTokenAsync(string email, string name = "Sam Shopper")
    {
        (await SignUpAsync(email, name)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Anonymous.GetAsync(await VerificationLinkAsync(email))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var signIn = await TokenAsync(email);
        signIn.StatusCode.ShouldBe(HttpStatusCode.OK, await signIn.Content.ReadAsStringAsync());
        return (await signIn.JsonAsync()).GetProperty("accessToken").GetString()!;
    }

    public HttpClient ClientWith(string accessToken)
    {
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        return client;
    }

    [GeneratedRegex(@"http://[^\s]+/simulators/customers/verify\?token=[A-Za-z0-9_\-%]+")]
    private static partial Regex VerifyLink();
}
