using System.Reflection;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Functions;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.LocalHost.Analytics;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.Privacy;
using Serverless.Shop.Infrastructure.Privacy;
using Serverless.Shop.LocalHost.LocalStack;
using Serverless.Shop.LocalHost.Seeding;
using Serverless.Shop.LocalHost.Shipping;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.LocalHost;

public sealed record LocalShopOptions(string RepositoryRoot)
{
    /// <summary>7071 as `func start`; 0 for any free port (tests).</summary>
    public int Port { get; init; } = 7071;

    /// <summary>Where data, tokens and the mailbox live between runs; null keeps everything in memory (tests).</summary>
    public string? DataDirectory { get; init; }

    public bool SeedDemoCatalog { get; init; } = true;

    /// <summary>Seeds the demo tax rates (<see cref="DemoTaxRates"/>) into an empty rate table; tests keep it, so checkouts to DE are taxed as before.</summary>
    public bool SeedDemoTaxRates { get; init; } = true;

    /// <summary>Seeds the demo warehouse <c>main</c> (<see cref="DemoWarehouses"/>) when there is none; tests keep it, so stock adjustments without a warehouse book into it as before.</summary>
    public bool SeedDemoWarehouses { get; init; } = true;

    /// <summary>
    /// Overrides host.json's longest waits between polls of an idle queue (the queue triggers' maxPollingInterval and
    /// Durable's maxQueuePollingInterval), so tests see queue work and durable timers within a fraction of a second.
    /// </summary>
    public TimeSpan? MaxQueuePollingInterval { get; init; }

    /// <summary>False leaves timer functions to <see cref="LocalShop.RunTimerAsync"/>: tests decide when a timer fires.</summary>
    public bool RunTimersOnSchedule { get; init; } = true;

    /// <summary>Settings over the local defaults (tests shorten the checkout's windows); applied before the app's services read them.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public Action<WebApplicationBuilder>? Configure { get; init; }

    /// <summary>
    /// Emulators already running, to use instead of starting the local stack (its connection strings); null starts
    /// them. Stopping or killing this host then leaves them and their data as they are: the crash tests restart the
    /// host on the same data.
    /// </summary>
    public (string Storage, string Cosmos)? RunningEmulators { get; init; }

    /// <summary>Where the host stops dead, for the crash tests to kill it there (see <see cref="CrashPoint"/>); null for none.</summary>
    public CrashPoint? CrashPoint { get; init; }
}

/// <summary>
/// The shop running locally: the local stack, the function app's services and every one of its functions, as
/// `func start` would run them. `dotnet run` starts one for a developer; the integration tests start their own.
/// </summary>
public sealed class LocalShop : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly LocalDurableTaskHost _durable;

    private LocalShop(WebApplication app, LocalDurableTaskHost durable, RunningLocalStack stack, DevTokens tokens, IReadOnlyList<LocalFunction> functions, Uri baseAddress, string mailbox)
    {
        _app = app;
        _durable = durable;
        Stack = stack;
        Tokens = tokens;
        Functions = functions;
        BaseAddress = baseAddress;
        MailboxDirectory = mailbox;
    }

    public RunningLocalStack Stack { get; }
    public DevTokens Tokens { get; }
    public IReadOnlyList<LocalFunction> Functions { get; }

    /// <summary>The host's root, e.g. http://localhost:7071/ (the API is under /api).</summary>
    public Uri BaseAddress { get; }
    public string MailboxDirectory { get; }
    public IServiceProvider Services => _app.Services;

    public static Assembly FunctionApp => typeof(ShopServices).Assembly;

    public static async Task<LocalShop> StartAsync(LocalShopOptions options, ILogger logger, CancellationToken ct)
    {
        var functions = FunctionCatalog.Discover(FunctionApp);
        var hostJson = HostJson.Load(Path.Combine(options.RepositoryRoot, "host.json"));
        var queueSettings = options.MaxQueuePollingInterval is { } cap ? hostJson.Queues with { MaxPollingInterval = cap } : hostJson.Queues;
        var durableSettings = options.MaxQueuePollingInterval is { } durableCap ? hostJson.DurableTask with { MaxQueuePollingInterval = durableCap } : hostJson.DurableTask;

        var stack = options.RunningEmulators is { } running
            ? RunningLocalStack.Attach(running.Storage, running.Cosmos, logger)
            : await RunningLocalStack.StartAsync(new LocalStackOptions(options.RepositoryRoot, options.DataDirectory is null ? null : Path.Combine(options.DataDirectory, "data")), logger, ct);
        // Orchestrations call back into the app's functions, so the invoker is resolved once the app is built. The task
        // hub starts while the app is built and its containers and queues are checked: a second start waits for neither
        // one after the other (docs/benchmarks.md, Starting the shop).
        WebApplication? built = null;
        var durableStarting = LocalDurableTaskHost.StartAsync(functions, () => built!.Services.GetRequiredService<FunctionInvoker>(),
            new LocalDurableTaskOptions(stack.StorageConnectionString, durableSettings), DurableLogging, ct);
        try
        {
            var tokens = DevTokens.LoadOrCreate(options.DataDirectory, TimeProvider.System);
            var mailbox = options.DataDirectory is null ? Path.Combine(Path.GetTempPath(), "serverless-shop-mailbox-" + Guid.NewGuid().ToString("N")) : Path.Combine(options.DataDirectory, "mailbox");

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cosmos:ConnectionString"] = stack.CosmosConnectionString,
                ["Cosmos:DatabaseName"] = "shop",
                ["Cosmos:CreateIfNotExists"] = "true",
                ["Cosmos:CountCalls"] = "true",
                ["AzureWebJobsStorage"] = stack.StorageConnectionString,
                ["Media:ConnectionString"] = stack.StorageConnectionString,
                ["Media:PublicBaseUrl"] = $"{stack.BlobEndpoint.ToString().TrimEnd('/')}/product-images",
                ["Email:Provider"] = "LocalMailbox",
                ["Email:LocalMailboxPath"] = mailbox,
                ["Email:From"] = "shop@serverless-shop.example",
                ["Email:Merchandisers:0"] = "merchandising@serverless-shop.example",
                ["Payments:LocalSimulators"] = "true",
                // The tracking poll (PollParcelTracking): every five minutes here; the simulator sends webhooks, so it reads nothing unless a test adds a carrier without them.
                ["TrackingPollSchedule"] = "0 */5 * * * *",
                // The back-in-stock flow's timer: every minute here, so a restock is told about at once (docs/marketing.md#back-in-stock).
                [Serverless.Shop.Functions.Marketing.Flows.BackInStockFunctions.ScheduleSetting] = "0 * * * * *",
                // The simulators' secrets: set here, and only here (the app has no default for any secret). The
                // carrier's is made up per run, so nobody can forge a tracking update; the others are public values
                // that docs/local-development.md shows how to sign with.
                ["Payments:BankTransfer:WebhookSecret"] = AlternativePaymentsSettings.DevelopmentBankWebhookSecret,
                ["Payments:LocalWallet:WebhookSecret"] = AlternativePaymentsSettings.DevelopmentWalletWebhookSecret,
                ["Shipping:Carrier:WebhookSecret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                // The shop's default dispatch origin (until warehouses are joined): a warehouse in Utrecht, NL, the default
                // shop country. Only here: in Azure Shipping:Origin:* has no default (docs/shipping.md).
                ["Shipping:Origin:Name"] = "Utrecht",
                ["Shipping:Origin:Latitude"] = "52.0908",
                ["Shipping:Origin:Longitude"] = "5.1222",
                ["Shipping:Origin:CutOff"] = "15:00",
                ["Shipping:Origin:TimeZone"] = "Europe/Amsterdam",
                // Review invitation links in .local/mailbox keep working across runs: the key is kept in the data directory.
                [Infrastructure.Reviews.ReviewsRegistration.SigningKeySetting] = LocalReviewInvitationKey.LoadOrCreate(options.DataDirectory),
                // The ads feeds: published to Azurite's feeds container (their items link to the storefront on this host, docs/marketing.md).
                ["Feeds:PublicBaseUrl"] = $"{stack.BlobEndpoint.ToString().TrimEnd('/')}/feeds",
                // The raw clickstream's capture files, on Azurite in place of the data lake (docs/analytics.md).
                [Infrastructure.Analytics.Clickstream.ClickstreamSettings.RawEventsConnectionStringSetting] = stack.StorageConnectionString,
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Serverless.Shop"] = "Information",
            });
            builder.Configuration.AddInMemoryCollection(CardSimulatorEndpoints.LocalSettings(options.DataDirectory));
            builder.Configuration.AddInMemoryCollection(Marketing.LocalMarketingKeys.Settings(options.DataDirectory));
            builder.Configuration.AddInMemoryCollection(Marketing.LocalAbandonedCarts.Settings);
            builder.Configuration.AddInMemoryCollection(Marketing.LocalFlows.Settings);
            builder.Configuration.AddInMemoryCollection(Analytics.LocalAnalytics.Settings);
            builder.Configuration.AddInMemoryCollection(DemoTaxRates.LocalSettings);
            if (options.DataDirectory is not null)
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Payments:LocalWallet:StateFile"] = Path.Combine(options.DataDirectory, "wallet-simulator", "sessions.json") });
            if (options.Port != 0)
            {
                // The simulators' pages are on this host. With a fixed port their address is known before the Durable
                // worker starts, which after a restart replays a payment step before the web host listens: the replayed
                // step must give the same 3-D Secure redirect as the first (found by the crash tests, CrashMatrixTests).
                var pages = $"http://localhost:{options.Port}/";
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Payments:CardSimulator:PageBaseUrl"] = pages, ["Simulators:BaseUrl"] = pages, ["Reviews:InvitationBaseUrl"] = pages + "api/review-invitations",
                    [Infrastructure.Marketing.Audiences.AudiencesRegistration.LinkBaseUrlSetting] = pages + "api/",
                });
            }
            builder.Configuration.AddInMemoryCollection(options.Settings);
            builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
            builder.Services.AddShop(builder.Configuration);
            // The carrier simulator in place of the function app's "no carrier": only here (docs/shipping.md#carriers-and-tracking).
            builder.Services.AddLocalCarrierSimulator(builder.Configuration, stack.StorageConnectionString, hostJson.RoutePrefix);
            // On a free port (tests) the review links' address is known once the host listens, as the simulators' pages are.
            builder.Services.AddSingleton(sp => LocalReviewInvitationKey.WithLinksToThisHost(builder.Configuration, sp));
            builder.Services.AddSingleton(sp => Marketing.LocalMarketingKeys.WithLinksToThisHost(builder.Configuration, sp));
            // The storefront's address is this host's, and CDN purges are recorded, not sent: only here (docs/marketing.md).
            builder.Services.AddLocalStorefront(builder.Configuration, options.DataDirectory, hostJson.RoutePrefix);
            // The developer tokens' key, as a service: the function app never registers one, so no setting can turn it on there.
            builder.Services.AddSingleton(new LocalTokenSigningKey(tokens.SigningKey));
            // The personal-data keys from a file in the data directory, in place of Key Vault (docs/security.md); only here.
            builder.Services.AddSingleton<IPrivacyKeySource>(LocalPrivacyKeyFile.LoadOrCreate(options.DataDirectory));
            // The customer sign-up and sign-in simulator (External ID's stand-in) and the key its tokens are signed with: only here.
            var customers = new LocalCustomerIdentity(options.DataDirectory is null ? null : Path.Combine(options.DataDirectory, "customer-identity"), TimeProvider.System);
            builder.Services.AddSingleton(customers);
            builder.Services.AddSingleton(customers.SigningKey);
            builder.Services.AddSingleton<ICustomerAccounts>(new LocalCustomerAccounts(customers));
            // The geocoder on the bundled GeoNames places (Shipping/Geodata/NOTICE.md), in place of Azure Maps: only here.
            builder.Services.AddSingleton<IGeocoder>(_ => LocalGeodataGeocoder.Shared);
            // The clickstream's hub and its Capture: a storage queue and the local capture writing Avro files to Azurite; only here.
            builder.Services.AddLocalClickstream(stack.StorageConnectionString);
            // Meta's Conversions API stand-in, which records what would be sent (docs/marketing.md): only here, and only without a pixel id.
            if (string.IsNullOrWhiteSpace(builder.Configuration[Infrastructure.Marketing.Attribution.AttributionRegistration.MetaPixelSetting]))
            {
                var conversions = new LocalMetaConversionsRecorder(options.DataDirectory is null ? null : Path.Combine(options.DataDirectory, "conversions"));
                builder.Services.AddSingleton(conversions);
                builder.Services.AddSingleton<Domain.Marketing.Attribution.IConversionsApi>(conversions);
            }
            builder.Services.AddSingleton(sp => new FunctionInvoker(sp));
            builder.Services.AddCors();
            // Resolved only by functions, which run once the app has started: after the await below.
            builder.Services.AddSingleton(_ => durableStarting.GetAwaiter().GetResult());
            if (options.CrashPoint is not null) builder.Services.AddSingleton(options.CrashPoint);
            if (options.CrashPoint is not null) Marketing.LocalMarketingRegistration.PutBulkSenderBehindCrashPoint(builder.Services);
            var queues = new QueueServiceClient(stack.StorageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            foreach (var f in functions.Where(f => f.Trigger == TriggerKind.Queue))
                builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueTriggerListener>(sp, f, queues, queueSettings));
            foreach (var f in functions.Where(f => f.Trigger == TriggerKind.Timer && options.RunTimersOnSchedule))
                builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerTriggerScheduler>(sp, f));
            options.Configure?.Invoke(builder);

            var app = built = builder.Build();
            await ProvisionAsync(app.Services, stack, functions, ct);
            app.UseLocalCors();
            if (options.SeedDemoTaxRates) await DemoTaxRates.SeedIfEmptyAsync(app.Services, ct);
            if (options.SeedDemoWarehouses) await DemoWarehouses.SeedIfEmptyAsync(app.Services, ct);
            await LocalRateTable.SeedIfMissingAsync(app.Services, ct);
            app.MapGet("/", () => Results.Redirect($"/{hostJson.RoutePrefix}/swagger/ui")).ExcludeFromDescription();
            app.MapCardSimulator(hostJson.RoutePrefix);
            app.MapWalletSimulator(hostJson.RoutePrefix);
            app.MapCustomerIdentitySimulator();
            app.MapCarrierSimulator(hostJson.RoutePrefix);
            app.MapLocalMailbox(mailbox);
            MapRunTimerEndpoint(app, functions);
            app.MapHttpFunctions(functions, hostJson.RoutePrefix);
            var durable = await durableStarting;
            await app.StartAsync(ct);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var shop = new LocalShop(app, durable, stack, tokens, functions, new Uri(address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/"), mailbox);
            if (options.SeedDemoCatalog) await DemoCatalog.SeedIfEmptyAsync(app.Services, logger, ct);
            return shop;
        }
        catch
        {
            try
            {
                await (await durableStarting).DisposeAsync();
            }
            catch (Exception) when (!durableStarting.IsCompletedSuccessfully)
            {
                // It never started: nothing to stop, and the first failure is the one to report.
            }
            await stack.DisposeAsync();
            throw;
        }
    }

    // The Durable Task SDK logs every replay at Information; warnings and errors are what a developer needs here.
    private static readonly ILoggerFactory DurableLogging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

    /// <summary>What Bicep creates in Azure, created here on the emulators: the database and containers, blob containers, queues.</summary>
    private static Task ProvisionAsync(IServiceProvider services, RunningLocalStack stack, IReadOnlyList<LocalFunction> functions, CancellationToken ct)
    {
        var blobs = new BlobServiceClient(stack.StorageConnectionString);
        var queues = new QueueServiceClient(stack.StorageConnectionString);
        var queueNames = functions.Where(f => f.QueueName is not null).Select(f => f.QueueName!).Append("integration-events");
        // Each exists already on every start but the first; asked all at once, not one after the other.
        return Task.WhenAll(
            ShopContainers.CreateIfNotExistsAsync(services.GetRequiredService<CosmosClient>(), services.GetRequiredService<CosmosOptions>().DatabaseName, ct),
            blobs.GetBlobContainerClient("product-images").CreateIfNotExistsAsync(PublicAccessType.Blob, cancellationToken: ct),
            blobs.GetBlobContainerClient("product-uploads").CreateIfNotExistsAsync(cancellationToken: ct),
            AllowBrowserUploadsAsync(blobs, ct),
            Task.WhenAll(queueNames.SelectMany(name => new[] { name, name + "-poison" }).Select(name => queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: ct))));
    }

    // Browsers PUT straight to storage with the upload URL, so the local blob service allows it as the Azure one does (Bicep).
    private static async Task AllowBrowserUploadsAsync(BlobServiceClient blobs, CancellationToken ct)
    {
        var properties = (await blobs.GetPropertiesAsync(ct)).Value;
        properties.Cors = [new BlobCorsRule { AllowedOrigins = "*", AllowedMethods = "PUT,GET,HEAD,OPTIONS", AllowedHeaders = "*", ExposedHeaders = "*", MaxAgeInSeconds = 3600 }];
        await blobs.SetPropertiesAsync(properties, ct);
    }

    /// <summary>
    /// POST /admin/functions/{name}: runs a timer function now, as the Functions host's admin API does for `func start`
    /// (the host listens on loopback only). Answers 202 once the function has run, 404 for no such timer function.
    /// </summary>
    private static void MapRunTimerEndpoint(WebApplication app, IReadOnlyList<LocalFunction> functions) =>
        app.MapPost("/admin/functions/{name}", async (string name, HttpContext http, FunctionInvoker invoker) =>
        {
            if (functions.SingleOrDefault(f => f.Name == name && f.Trigger == TriggerKind.Timer) is not { } function)
            {
                var problem = Problems.Create(http, StatusCodes.Status404NotFound, "no-function", "Not found.", $"No timer function is called {name}.");
                await problem.ExecuteResultAsync(new Microsoft.AspNetCore.Mvc.ActionContext(http, http.GetRouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
                return;
            }
            var now = DateTime.UtcNow;
            await invoker.InvokeTimerAsync(function, new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = now, Next = now, LastUpdated = now } }, http.RequestAborted);
            http.Response.StatusCode = StatusCodes.Status202Accepted;
        }).ExcludeFromDescription();

    /// <summary>Runs a timer function now, as the portal's "Run" button does, without waiting for its schedule.</summary>
    public async Task RunTimerAsync(string functionName, CancellationToken ct = default)
    {
        var function = Functions.SingleOrDefault(f => f.Name == functionName && f.Trigger == TriggerKind.Timer)
            ?? throw new ArgumentException($"No timer function is called {functionName}.", nameof(functionName));
        var now = DateTime.UtcNow;
        await Services.GetRequiredService<FunctionInvoker>().InvokeTimerAsync(function, new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = now, Next = now, LastUpdated = now } }, ct);
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public HttpClient CreateClient(string? role = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (role is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For(role));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _durable.DisposeAsync();
        await Stack.DisposeAsync();
    }
}
