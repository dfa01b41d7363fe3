using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

// `dotnet run --project infra/Serverless.Shop.LocalHost`: the whole shop on this machine, no Core Tools, no Docker.
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var logger = loggerFactory.CreateLogger("Serverless.Shop.LocalHost");
var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
var port = args.SkipWhile(a => a != "--port").Skip(1).Select(int.Parse).DefaultIfEmpty(7071).First();
// For the crash tests (tests/Serverless.Shop.IntegrationTests/CrashRecovery), which run this host as a child process:
// its own data directory, emulators they keep running across its restarts, settings over the local defaults
// (--setting Checkout:PaymentActionMinutes=2, repeatable), queues polled more often (--max-queue-polling-interval
// 00:00:00.2), and a crash point where it stops for them to kill it (--crash-at CheckoutTakePayment:after).
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var dataDirectory = Path.GetFullPath(Option("--data-dir") ?? Path.Combine(root, ".local"));
(string, string)? runningEmulators = (Option("--storage-connection-string"), Option("--cosmos-connection-string")) switch
{
    (null, null) => null,
    ({ } storage, { } cosmos) => (storage, cosmos),
    _ => throw new ArgumentException("--storage-connection-string and --cosmos-connection-string go together: both name the running emulators."),
};
var settings = args.Select((a, i) => (a, i)).Where(x => x.a == "--setting" && x.i + 1 < args.Length).Select(x => args[x.i + 1].Split('=', 2))
    .ToDictionary(kv => kv[0], string? (kv) => kv.Length == 2 ? kv[1] : throw new ArgumentException($"--setting takes Key=Value, not {kv[0]}."));
// The carrier simulator moves parcels one step every 20 s: label to delivered in a minute, slow enough to watch each
// step reach the order and the mailbox, quick enough to wait for. In-process tests start the shop without it (they
// decide when a parcel moves); `--setting Shipping:LocalCarrier:SecondsPerStep=0` turns it off here too.
settings.TryAdd(Serverless.Shop.LocalHost.Simulators.LocalCarrierRegistration.SecondsPerStepSetting, "20");
// Demo customer segments for campaigns to aim at (docs/marketing.http); Azure has none until the merchant sets them.
settings.TryAdd("Loyalty:Segments", "dutch=language:nl, regulars=ordersAtLeast:2, lapsed=inactiveDays:90");
var crashPoint = Option("--crash-at") is { } crashAt ? CrashPoint.Parse(crashAt) : null;
TimeSpan? maxQueuePolling = Option("--max-queue-polling-interval") is { } polling ? TimeSpan.Parse(polling, System.Globalization.CultureInfo.InvariantCulture) : null;

// Ctrl+C before the host is up cancels the start; once it is up, the web host's own lifetime handles Ctrl+C and SIGTERM.
using var starting = new CancellationTokenSource();
ConsoleCancelEventHandler cancelStart = (_, e) => { e.Cancel = true; starting.Cancel(); };
Console.CancelKeyPress += cancelStart;
await using var shop = await LocalShop.StartAsync(new LocalShopOptions(root)
{
    Port = port, DataDirectory = dataDirectory, RunningEmulators = runningEmulators, Settings = settings, CrashPoint = crashPoint, MaxQueuePollingInterval = maxQueuePolling,
}, logger, starting.Token);
Console.CancelKeyPress -= cancelStart;

var api = new Uri(shop.BaseAddress, "api/");
var tokens = shop.Tokens.ForEveryRole();
await File.WriteAllTextAsync(Path.Combine(dataDirectory, "dev-tokens.json"), System.Text.Json.JsonSerializer.Serialize(tokens, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"""

    Serverless.Shop is running.
      API            {api}
      Products       {api}products
      Storefront     {api}storefront (pages; CDN purges in .local/cdn-purges.log)
      API browser    {api}swagger/ui
      OpenAPI        {api}openapi/v3.json
      Health         {api}health
      Functions      {shop.Functions.Count} ({string.Join(", ", shop.Functions.GroupBy(f => f.Trigger).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))})
      Images         {shop.Stack.BlobEndpoint}
      Mailbox        {shop.BaseAddress}simulators/mailbox ({shop.MailboxDirectory})
      Tokens         .local/dev-tokens.json (one per role); e.g. merchandiser:
                     {tokens["merchandiser"]}

    Press Ctrl+C to stop.
    """ + (crashPoint is null ? "" : $"{Environment.NewLine}    Crash point: stops dead at {crashPoint} (--crash-at), to be killed there.{Environment.NewLine}"));

await shop.WaitForShutdownAsync();
Console.WriteLine(runningEmulators is null ? "Stopping: the emulators stop with the host." : "Stopping: the running emulators are left as they are.");
