using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Privacy;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.LocalStack;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.Benchmarks.Marketing;

/// <summary>
/// Marketing audiences on the local shop: the Cosmos DB calls per 100 recipients of listing an audience (customers of a
/// segment, confirmed subscribers, both), with the data keys in the instance's memory (warm) and after they expired
/// (cold), against the budgets of docs/marketing.md (the budgets hold cold; warm is what a send that lists the audience
/// again within the minute costs). A quarter of the customers are outside the segment, so their
/// profile pages are read and skipped, as in a real shop.
/// Run: dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- audience [--customers 200] [--subscribers 200] [--write-docs]
/// </summary>
public static class AudienceBenchmark
{
    public const string StartMarker = "<!-- audience-benchmark:start -->";
    public const string EndMarker = "<!-- audience-benchmark:end -->";
    private const string Password = "benchmark password";

    // Calls per 100 recipients, cold (docs/marketing.md#who-is-in-an-audience): a customer costs a profile read and a data
    // key read; a subscriber a data key read; each page of 100 a query page, a history ReadMany and a suppression ReadMany.
    private static readonly (string Audience, AudienceSpec Spec, int BudgetPer100)[] Audiences =
    [
        ("customers of a segment", new AudienceSpec(["dutch"], NewsletterSubscribers: false), 210),
        ("confirmed subscribers", new AudienceSpec([], NewsletterSubscribers: true), 105),
        ("both", new AudienceSpec(["dutch"], NewsletterSubscribers: true), 210),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var customerCount = ScenarioShop.Option(args, "--customers", 200);
        var subscriberCount = ScenarioShop.Option(args, "--subscribers", 200);
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var machine = Report.DescribeMachine(root);
        var loggers = LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true);
            b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        await using var shop = await LocalShop.StartAsync(new LocalShopOptions(root)
        {
            Port = 0, DataDirectory = null, SeedDemoCatalog = false, RunTimersOnSchedule = false,
            Settings = new Dictionary<string, string?> { ["Loyalty:Segments"] = "dutch=language:nl" },
            Configure = b => b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace),
        }, loggers.CreateLogger("Benchmarks"), CancellationToken.None);

        Console.Error.WriteLine($"Seeding {customerCount} customers and {subscriberCount} subscribers...");
        var identity = shop.Services.GetRequiredService<LocalCustomerIdentity>();
        for (var i = 0; i < customerCount; i++)
        {
            var email = $"audience-{i}-{Guid.NewGuid():N}@example.com";
            var (_, verification) = identity.SignUp(email, $"Bench Reader {i}", Password);
            identity.Verify(verification);
            using var client = shop.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", identity.SignIn(email, Password));
            (await client.GetAsync("api/me/profile")).EnsureSuccessStatusCode();
            using var patch = new HttpRequestMessage(HttpMethod.Patch, "api/me/profile")
            {
                Content = JsonContent.Create(new { language = i % 4 == 3 ? "en" : "nl", marketingConsent = new { email = true } }, options: ShopJson.Options),
            };
            (await client.SendAsync(patch)).EnsureSuccessStatusCode();
        }
        var vault = shop.Services.GetRequiredService<IPersonalDataVault>();
        var subscribers = shop.Services.GetRequiredService<INewsletterSubscriberStore>();
        for (var i = 0; i < subscriberCount; i++)
        {
            var email = $"subscriber-{i}-{Guid.NewGuid():N}@example.com";
            var now = DateTimeOffset.UtcNow;
            await subscribers.SaveAsync(new NewsletterSubscriber
            {
                Key = await vault.BlindIndexAsync(BlindIndexKind.Email, email, default), Email = email, DataOwnerId = Ids.New("nls"),
                Status = SubscriberStatus.Confirmed, CreatedAt = now, ConfirmationSentAt = now, ConfirmedAt = now,
            }, null, default);
        }

        var audience = shop.Services.GetRequiredService<IMarketingAudience>();
        // The data keys an instance keeps expire after this long; waiting it out before each audience makes its first
        // listing cold (every recipient's key read again). The listing right after it is warm.
        var cache = shop.Services.GetRequiredService<PrivacySettings>().DataKeyCacheDuration + TimeSpan.FromSeconds(2);
        var rows = new List<(string Audience, string Keys, int Recipients, int Calls, double Ms, int Budget)>();
        foreach (var (name, spec, budget) in Audiences)
        {
            Console.Error.WriteLine($"Waiting {cache.TotalSeconds:0} s for the data keys to leave the cache, then listing {name}...");
            await Task.Delay(cache);
            foreach (var keys in new[] { "cold", "warm" })
            {
                var calls = CosmosCallCounter.BeginScope();
                var watch = Stopwatch.StartNew();
                var recipients = 0;
                await foreach (var _ in audience.ListAsync(spec, default)) recipients++;
                rows.Add((name, keys, recipients, calls.Value, watch.Elapsed.TotalMilliseconds, budget));
            }
        }

        var problems = new List<string>();
        var table = new StringBuilder()
            .AppendLine("| Audience | Data keys | Recipients | Cosmos DB calls | Calls per 100 recipients | Budget per 100 | Time per 100 |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var per100 = row.Recipients == 0 ? 0 : 100.0 * row.Calls / row.Recipients;
            if (row.Recipients == 0 || per100 > row.Budget) problems.Add($"{row.Audience} ({row.Keys}): {per100:0.0} calls per 100 recipients, budget {row.Budget}");
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Audience} | {row.Keys} | {row.Recipients} | {row.Calls} | {per100:0.0} | {row.Budget} | {100 * row.Ms / Math.Max(1, row.Recipients):0} ms |"));
        }
        table.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{customerCount} customers (three in four in the segment, all consented) and {subscriberCount} confirmed subscribers, listed one audience at a time."));
        Console.WriteLine(table);
        if (args.Contains("--write-docs"))
            ScenarioShop.WriteSection(root, StartMarker, EndMarker, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {machine}; load average {Report.LoadAverage()} after the run.\n\n{table}");
        foreach (var problem in problems) Console.Error.WriteLine("Budget broken: " + problem);
        return problems.Count == 0 ? 0 : 1;
    }
}
