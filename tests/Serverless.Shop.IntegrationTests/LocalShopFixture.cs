using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.IntegrationTests.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests;

/// <summary>One local shop (emulators, every function, real HTTP on a free port) shared by the tests of the collection.</summary>
public class LocalShopFixture : IAsyncLifetime
{
    /// <summary>Settings a derived fixture adds or changes over the ones below (a secret left unresolved, another tax source).</summary>
    protected virtual IReadOnlyDictionary<string, string?> OverriddenSettings { get; } = new Dictionary<string, string?>();

    /// <summary>Services a derived fixture replaces after the shop's own (a key source taken away).</summary>
    protected virtual Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? ConfigureShop => null;

    public LocalShop Shop { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        Shop = await LocalShop.StartAsync(new LocalShopOptions(root)
        {
            Port = 0,
            DataDirectory = null,
            SeedDemoCatalog = false,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
            // Timers fire when a test says so: a schedule would otherwise resume other tests' pending orders mid-test.
            RunTimersOnSchedule = false,
            Configure = ConfigureShop,
            // Checkout windows in seconds, so tests see a payment time out and an interrupted checkout resume.
            Settings = new Dictionary<string, string?>
            {
                ["Checkout:PaymentActionMinutes"] = "0.25",
                ["Checkout:ResumeAfterMinutes"] = "0.01",
                // A minute to pay a bank transfer, so a test sees the deadline pass.
                ["Payments:BankTransfer:DaysToPay"] = "0.0007",
                // A storefront on another origin, as Bicep's apiCorsAllowedOrigins allows one in Azure (CorsTests).
                [LocalCors.Setting] = CorsTests.StorefrontOrigin,
                // The app's 24 hours, not the local host's 3 minutes: tests make a cart idle by moving its time back, and
                // a shared shop's other carts must not turn abandoned while a test counts (AbandonedCartCountingTests).
                [Serverless.Shop.Infrastructure.Analytics.Behaviour.BehaviourRegistration.AbandonedCartHoursSetting] = "24",
            }.Concat(OverriddenSettings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value),
        }, NullLogger.Instance, CancellationToken.None);
    }

    public virtual async Task DisposeAsync() => await Shop.DisposeAsync();

    /// <summary>A shop a test started itself (on a data directory of its own), to use with the helpers that take a fixture; the test disposes the shop.</summary>
    public static LocalShopFixture For(LocalShop shop) => new() { Shop = shop };

    public HttpClient Client(string? role = null) => Shop.CreateClient(role);
}

[CollectionDefinition(Name)]
public sealed class LocalShopCollection : ICollectionFixture<LocalShopFixture>
{
    public const string Name = "local shop";
}

public static class HttpTestExtensions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text.Length == 0 ? "null" : text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: ShopJson.Options) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body, options: ShopJson.Options) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient client, HttpMethod method, string url, string body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return client.SendAsync(request);
    }

    public static int CosmosCalls(this HttpResponseMessage response) =>
        int.Parse(response.Headers.GetValues("X-Cosmos-Calls").Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Waits for background work (a queue function) to reach a state; fails with the last value seen.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        T last;
        while (true)
        {
            last = await read();
            if (done(last) || DateTime.UtcNow > deadline) return last;
            await Task.Delay(200);
        }
    }
}
