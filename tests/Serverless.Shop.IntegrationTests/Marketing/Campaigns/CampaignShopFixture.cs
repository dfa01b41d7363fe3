using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Marketing.Audiences;
using Serverless.Shop.IntegrationTests.Marketing.Audiences;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

/// <summary>
/// A local shop whose campaigns send to the real marketing audience: customers who signed up, chose a language and
/// agreed to email marketing (each test its own segment, by a language no other test uses, so that tests sharing the
/// shop never mail each other's customers), confirmed newsletter subscribers, the suppression list, and the SendGrid
/// Event Webhook's counters (signed with a key pair of the fixture). Small batches, no throttle to speak of, timers run when a test says.
/// </summary>
public sealed class CampaignShopFixture : LocalShopFixture
{
    public ECDsa EventWebhookKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    protected override IReadOnlyDictionary<string, string?> OverriddenSettings => new Dictionary<string, string?>
    {
        [AudiencesRegistration.EventWebhookPublicKeySetting] = Convert.ToBase64String(EventWebhookKey.ExportSubjectPublicKeyInfo()),
        ["Campaigns:BatchSize"] = "3",
        ["Campaigns:BatchesPerMinute"] = "6000",
        ["Loyalty:Segments"] = string.Join(", ", Segments.Select(s => $"{s}={SegmentRuleKind.Language}:{LanguageOf(s)}")),
    };

    public static readonly IReadOnlyList<string> Segments = [.. Enumerable.Range(0, 12).Select(i => $"campaign-test-{i}")];

    /// <summary>The profile language that puts a customer in <paramref name="segment"/> (and in no other segment of this shop).</summary>
    public static string LanguageOf(string segment) => "en-cmp" + segment.Split('-')[^1];

    private AudienceMembers Members => new(() => Client(), Shop.MailboxDirectory);

    /// <summary>Adds <paramref name="count"/> customers of the segment (first name Reader) who agreed to email marketing or not, with addresses unique to the caller; returns them.</summary>
    public async Task<IReadOnlyList<string>> AddCustomersAsync(string prefix, int count, string segment, bool emailConsent = true)
    {
        var emails = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D2}@example.com".ToLowerInvariant()).ToList();
        foreach (var email in emails) await Members.ConsentedCustomerAsync(email, LanguageOf(segment), emailConsent: emailConsent);
        return emails;
    }

    /// <summary>Adds <paramref name="count"/> newsletter subscribers who confirmed by double opt-in; returns them.</summary>
    public async Task<IReadOnlyList<string>> AddNewsletterSubscribersAsync(string prefix, int count)
    {
        var emails = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D2}@example.com".ToLowerInvariant()).ToList();
        foreach (var email in emails) await Members.ConfirmedSubscriberAsync(email);
        return emails;
    }

    /// <summary>Puts the addresses on the suppression list, as staff do (POST /api/marketing/suppressions).</summary>
    public async Task SuppressAsync(IEnumerable<string> emails)
    {
        var admin = Client(ShopRoles.Admin);
        foreach (var email in emails)
            (await admin.PostJsonAsync("api/marketing/suppressions", new { email })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    /// <summary>Posts events to the Event Webhook, signed as SendGrid signs them; the webhook must take them all.</summary>
    public async Task ReportEventsAsync(IEnumerable<string> events)
    {
        var response = await Client().SendAsync(MarketingShopFixture.Signed(EventWebhookKey, "[" + string.Join(",", events) + "]"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A marketer's client whose token carries an email claim (for test sends), or none.</summary>
    public HttpClient MarketerWithEmail(string? email)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "marketer-with-email", ["roles"] = new[] { ShopRoles.Marketer } };
        if (email is not null) claims["email"] = email;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.LocalIssuer, Audience = AuthOptions.LocalAudience, Expires = DateTime.UtcNow.AddHours(1), Claims = claims,
            SigningCredentials = new SigningCredentials(RequestAuthenticator.LocalSigningKey(Shop.Tokens.SigningKey), SecurityAlgorithms.HmacSha256),
        });
        var client = Shop.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>Every email in the mailbox for this campaign id (the X-Campaign-Id header), as (To, headers, body).</summary>
    public IReadOnlyList<MailboxEmail> Mailbox(string campaignId) =>
        [.. Directory.Exists(Shop.MailboxDirectory)
            ? Directory.GetFiles(Shop.MailboxDirectory, "*.eml").Select(MailboxEmail.Read).Where(e => e.Header("X-Campaign-Id") == campaignId)
            : []];

    public async Task SendDueCampaignsAsync() => await Shop.RunTimerAsync("SendDueCampaigns");
}

/// <summary>One .eml file of the local mailbox: its headers and its whole text.</summary>
public sealed record MailboxEmail(IReadOnlyDictionary<string, string> Headers, string Text)
{
    public string To => Header("To") ?? "";

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public static MailboxEmail Read(string path)
    {
        var text = File.ReadAllText(path);
        var head = text[..Math.Max(0, text.IndexOf("\r\n\r\n", StringComparison.Ordinal))];
        var headers = head.Split("\r\n").Select(l => l.Split(": ", 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.OrdinalIgnoreCase);
        return new MailboxEmail(headers, text);
    }
}

[CollectionDefinition(Name)]
public sealed class CampaignShopCollection : ICollectionFixture<CampaignShopFixture>
{
    public const string Name = "campaign shop";
}
