using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.LocalHost.Marketing;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

/// <summary>
/// A local shop whose marketing audience is the local host's stand-in, read from a file the tests write
/// (<see cref="StandInMarketingAudience"/>; until the audiences capability is merged, and after it, so these tests do not
/// depend on how subscribers are made). Small batches, no throttle to speak of, timers run when a test says.
/// </summary>
public sealed class CampaignShopFixture : LocalShopFixture
{
    public string AudienceFile { get; } = Path.Combine(Path.GetTempPath(), $"campaign-audience-{Guid.NewGuid():N}.json");

    private readonly object _lock = new();
    private readonly List<StandInMarketingAudience.StandInRecipient> _recipients = [];
    private readonly List<string> _suppressed = [];
    private readonly Dictionary<string, Domain.Marketing.Audiences.EmailEngagement> _engagement = [];

    protected override IReadOnlyDictionary<string, string?> OverriddenSettings => new Dictionary<string, string?>
    {
        [StandInMarketingAudience.FileSetting] = AudienceFile,
        ["Campaigns:BatchSize"] = "3",
        ["Campaigns:BatchesPerMinute"] = "6000",
        ["Campaigns:LinkBaseUrl"] = "https://shop.example/",
        // Segment names the tests' audiences use, one per test so that tests sharing the shop never mail each other's
        // subscribers (the stand-in audience decides who is in them; the rules only make the names known).
        ["Loyalty:Segments"] = string.Join(", ", Segments.Select(s => s + "=language:en")),
    };

    public static readonly IReadOnlyList<string> Segments = [.. Enumerable.Range(0, 12).Select(i => $"campaign-test-{i}")];

    public override async Task InitializeAsync()
    {
        Write();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(AudienceFile);
    }

    /// <summary>Adds <paramref name="count"/> people of the segment, with addresses unique to the caller; returns them.</summary>
    public IReadOnlyList<string> AddSubscribers(string prefix, int count, string segment, string? customerId = null)
    {
        var emails = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D2}@example.com".ToLowerInvariant()).ToList();
        lock (_lock)
        {
            _recipients.AddRange(emails.Select(e => new StandInMarketingAudience.StandInRecipient("key-" + e, e, customerId, "Reader", [segment], false)));
            Write();
        }
        return emails;
    }

    public void Suppress(IEnumerable<string> emails)
    {
        lock (_lock)
        {
            _suppressed.AddRange(emails);
            Write();
        }
    }

    public void ReportEngagement(string campaignId, Domain.Marketing.Audiences.EmailEngagement engagement)
    {
        lock (_lock)
        {
            _engagement[campaignId] = engagement;
            Write();
        }
    }

    private void Write()
    {
        var json = JsonSerializer.Serialize(new StandInMarketingAudience.StandInFile(_recipients, _suppressed, _engagement), ShopJson.Options);
        var temporary = AudienceFile + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, AudienceFile, overwrite: true);
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
