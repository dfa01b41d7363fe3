using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.CrashRecovery;
using Serverless.Shop.IntegrationTests.Hosting;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

/// <summary>Emulators kept running in the test process, so that killing the host leaves them and their data as they are.</summary>
public sealed class CampaignCrashStack : IAsyncLifetime
{
    public string RepositoryRoot { get; } = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
    public RunningLocalStack Stack { get; private set; } = null!;

    public async Task InitializeAsync() => Stack = await RunningLocalStack.StartAsync(new LocalStackOptions(RepositoryRoot, null), NullLogger.Instance, CancellationToken.None);

    public async Task DisposeAsync() => await Stack.DisposeAsync();
}

/// <summary>
/// The send-once guarantee under a kill: the local host runs as a child process, sends a campaign in batches of three,
/// and stops dead at its second batch (the crash point CampaignSendBatch, before or after the batch reaches the
/// mailbox); it is SIGKILLed there and restarted on the same data. The mailbox then holds each recipient at most once:
/// everyone exactly once when the kill came after the send, everyone but the claimed batch when it came before it.
/// </summary>
public sealed class CampaignSendCrashTests(CampaignCrashStack emulators) : IClassFixture<CampaignCrashStack>
{
    private const int People = 12;
    private const int BatchSize = 3;
    private static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(CrashMoment.After)]
    [InlineData(CrashMoment.Before)]
    public async Task Killing_the_send_halfway_and_restarting_never_mails_anyone_twice(CrashMoment moment)
    {
        var data = Path.Combine(Path.GetTempPath(), $"serverless-shop-campaign-crash-{Environment.ProcessId}-{moment}");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        Directory.CreateDirectory(data);
        var tokens = DevTokens.LoadOrCreate(data, TimeProvider.System);
        var people = Enumerable.Range(0, People).Select(i => $"crash-{moment.ToString().ToLowerInvariant()}-{i:D2}@example.com").ToList();
        // The segment and its language are the case's own: both cases share the emulators, so neither may reach the other's customers.
        var segment = $"crash-{moment.ToString().ToLowerInvariant()}";
        var settings = new Dictionary<string, string>
        {
            ["Campaigns:BatchSize"] = $"{BatchSize}",
            ["Campaigns:BatchesPerMinute"] = "6000",
            ["Loyalty:Segments"] = $"{segment}=language:en-{moment.ToString().ToLowerInvariant()}",
            [Serverless.Shop.LocalHost.Simulators.LocalCarrierRegistration.SecondsPerStepSetting] = "0",
        };
        var hostDll = LocalHostProcess.HostDll(emulators.RepositoryRoot);
        var port = RestartablePorts.Next();
        var mailbox = Path.Combine(data, "mailbox");
        string campaignId;
        try
        {
            // 1. A host that stops dead at the campaign's second batch: claimed, and (after) sent but not yet marked sent.
            await using (var doomed = await StartAsync(hostDll, port, data, settings, new CrashPoint(CrashPointBulkEmailSenderStep, moment)))
            {
                // The audience: customers who signed up on this host, chose the segment's language and agreed to email marketing.
                var members = new AudienceMembers(() => new HttpClient { BaseAddress = doomed.BaseAddress, Timeout = TimeSpan.FromSeconds(100) }, mailbox);
                foreach (var email in people) await members.ConsentedCustomerAsync(email, $"en-{moment.ToString().ToLowerInvariant()}");
                using var http = Client(doomed.BaseAddress, tokens);
                (campaignId, var sendAt) = await CreateAndScheduleAsync(http, segment);
                // Due once its time has passed: wait for it, however long the scheduling request took.
                var wait = sendAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                // The call never returns: the host stops inside it.
                _ = http.PostAsync("admin/functions/SendDueCampaigns", null);
                var clock = Stopwatch.StartNew();
                while (!doomed.Reached.Contains(campaignId) && clock.Elapsed < ReachTimeout && !doomed.HasExited) await Task.Delay(100);
                doomed.Reached.ShouldContain(campaignId, $"the host never stopped at the crash point. Its output:{Environment.NewLine}{doomed.Tail}");
                doomed.Kill();
            }
            var beforeRestart = Recipients(mailbox);
            var keysBeforeRestart = beforeRestart.Select(r => r.Key).ToList();
            beforeRestart.Count.ShouldBeGreaterThanOrEqualTo(moment == CrashMoment.After ? 2 * BatchSize : BatchSize);

            // 2. The same host on the same data without the crash point: the timer carries the campaign on.
            await using var restarted = await StartAsync(hostDll, port, data, settings, null);
            using var client = Client(restarted.BaseAddress, tokens);
            (await client.PostAsync("admin/functions/SendDueCampaigns", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            var status = await HttpTestExtensions.EventuallyAsync(async () => (await (await client.GetAsync($"api/campaigns/{campaignId}")).JsonAsync()).GetProperty("status").GetString(),
                s => s == "sent", FinishTimeout);
            status.ShouldBe("sent", restarted.Tail);

            var mailedWithKeys = Recipients(mailbox);
            var mailed = mailedWithKeys.Select(r => r.To).ToList();
            mailed.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty("nobody may be mailed twice");
            var results = await (await client.GetAsync($"api/campaigns/{campaignId}/results")).JsonAsync();
            if (moment == CrashMoment.After)
            {
                mailed.Order().ShouldBe(people);
                results.GetProperty("sent").GetInt64().ShouldBe(People - BatchSize); // the killed batch was mailed but never marked sent
                results.GetProperty("unconfirmed").GetInt64().ShouldBe(BatchSize);
            }
            else
            {
                // The second batch (3 people in key order) was claimed and never sent: skipped, never repeated. The first
                // batch went out before the kill; everyone mailed after the restart comes after it in key order.
                mailed.Count.ShouldBe(People - BatchSize);
                mailed.ShouldBeSubsetOf(people);
                keysBeforeRestart.Count.ShouldBe(BatchSize);
                var keysAfterRestart = mailedWithKeys.Select(r => r.Key).Except(keysBeforeRestart).ToList();
                keysAfterRestart.Count.ShouldBe(People - 2 * BatchSize);
                keysAfterRestart.ShouldAllBe(after => keysBeforeRestart.All(before => string.CompareOrdinal(before, after) < 0));
                results.GetProperty("sent").GetInt64().ShouldBe(People - BatchSize);
                results.GetProperty("unconfirmed").GetInt64().ShouldBe(BatchSize);
            }
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); }
            catch (IOException) { }
        }
    }

    private const string CrashPointBulkEmailSenderStep = "CampaignSendBatch";

    private async Task<LocalHostProcess> StartAsync(string hostDll, int port, string data, Dictionary<string, string> settings, CrashPoint? point)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await LocalHostProcess.StartAsync(hostDll, port, data, emulators.Stack.StorageConnectionString, emulators.Stack.CosmosConnectionString, settings, point, timeout.Token);
    }

    private static HttpClient Client(Uri baseAddress, DevTokens tokens)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.For(ShopRoles.Marketer));
        return client;
    }

    private static async Task<(string Id, DateTimeOffset SendAt)> CreateAndScheduleAsync(HttpClient http, string segment)
    {
        var created = await http.PostJsonAsync("api/campaigns", new
        {
            name = "Crash test",
            audience = new { segments = new[] { segment } },
            content = new { subject = "Once only", html = "<p>Hello {{ recipient.first_name }}</p>", text = "Hello" },
        });
        var body = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        // Far enough ahead that the request still names a future time when a busy machine is slow to take it.
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(10);
        var scheduled = await http.PostJsonAsync($"api/campaigns/{id}/schedule", new { sendAt });
        scheduled.StatusCode.ShouldBe(HttpStatusCode.OK, (await scheduled.JsonAsync()).ToString());
        return (id, sendAt);
    }

    // Who the campaign's emails went to, with the recipient key (the address's blind index) each carries.
    private static List<(string To, string Key)> Recipients(string mailbox) =>
        Directory.Exists(mailbox) ? [.. Directory.GetFiles(mailbox, "*.eml").Select(MailboxEmail.Read).Where(m => m.Header("Subject") == "Once only").Select(m => (m.To, m.Header("X-Recipient-Key") ?? ""))] : [];
}
