using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.LocalStack;

// `dotnet run --project infra/Serverless.Shop.LocalHost`: the whole shop on this machine, no Core Tools, no Docker.
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var logger = loggerFactory.CreateLogger("Serverless.Shop.LocalHost");
var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
var port = args.SkipWhile(a => a != "--port").Skip(1).Select(int.Parse).DefaultIfEmpty(7071).First();

// Ctrl+C before the host is up cancels the start; once it is up, the web host's own lifetime handles Ctrl+C and SIGTERM.
using var starting = new CancellationTokenSource();
ConsoleCancelEventHandler cancelStart = (_, e) => { e.Cancel = true; starting.Cancel(); };
Console.CancelKeyPress += cancelStart;
await using var shop = await LocalShop.StartAsync(new LocalShopOptions(root) { Port = port, DataDirectory = Path.Combine(root, ".local") }, logger, starting.Token);
Console.CancelKeyPress -= cancelStart;

var api = new Uri(shop.BaseAddress, "api/");
var tokens = shop.Tokens.ForEveryRole();
await File.WriteAllTextAsync(Path.Combine(root, ".local", "dev-tokens.json"), System.Text.Json.JsonSerializer.Serialize(tokens, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"""

    Serverless.Shop is running.
      API            {api}
      Products       {api}products
      API browser    {api}swagger/ui
      OpenAPI        {api}openapi/v3.json
      Health         {api}health
      Functions      {shop.Functions.Count} ({string.Join(", ", shop.Functions.GroupBy(f => f.Trigger).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))})
      Images         {shop.Stack.BlobEndpoint}
      Mailbox        {shop.MailboxDirectory}
      Tokens         .local/dev-tokens.json (one per role); e.g. merchandiser:
                     {tokens["merchandiser"]}

    Press Ctrl+C to stop.
    """);

await shop.WaitForShutdownAsync();
Console.WriteLine("Stopping: the emulators stop with the host.");
