using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.LocalStack;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.Benchmarks.Customers;

/// <summary>
/// Customer profiles on the local shop: the Cosmos DB calls (X-Cosmos-Calls) of reading the profile, which a storefront
/// does on every account page, measured over many reads against its budget of 1; and, once each, the calls of the other
/// profile operations, so a change that adds one shows. Customers sign up through the local customer sign-in, so their
/// tokens carry the claims External ID sends.
/// Run: dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- customers [--reads 500] [--customers 20] [--write-docs]
/// </summary>
public static class ProfileBenchmark
{
    public const string StartMarker = "<!-- customers-benchmark:start -->";
    public const string EndMarker = "<!-- customers-benchmark:end -->";
    private const string Password = "benchmark password";

    // Budgets (docs/benchmarks.md#customer-profiles). The customer's data key is in the instance's memory (a minute) after
    // the first operation, as it is for a customer using the shop; a cold instance adds one read of it.
    private static readonly (string Operation, int Budget)[] Budgets =
    [
        ("GET /me/profile, first time (creates the profile)", 4),
        ("GET /me/profile", 1),
        ("PATCH /me/profile", 2),
        ("POST /me/addresses", 2),
        ("GET /customers?email= (support)", 1),
        ("GET /customers/{id} (support: profile, orders, points)", 3),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var reads = ScenarioShop.Option(args, "--reads", 500);
        var customerCount = ScenarioShop.Option(args, "--customers", 20);
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var machine = Report.DescribeMachine(root);
        await using var shop = await ScenarioShop.StartAsync(root);
        var identity = shop.Services.GetRequiredService<LocalCustomerIdentity>();
        using var support = shop.CreateClient(ShopRoles.Support);

        var once = new Dictionary<string, int>();
        var customers = new List<HttpClient>();
        for (var i = 0; i < customerCount; i++)
        {
            var email = $"bench-{i}-{Guid.NewGuid():N}@example.com";
            var (_, verification) = identity.SignUp(email, $"Bench Customer {i}", Password);
            identity.Verify(verification);
            var client = shop.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", identity.SignIn(email, Password));
            customers.Add(client);

            var created = await SendAsync(client, HttpMethod.Get, "api/me/profile", null);
            var patched = await SendAsync(client, HttpMethod.Patch, "api/me/profile",
                new { phone = $"+31 20 {100_0000 + i}", language = "nl", dateOfBirth = "1990-04-23", marketingConsent = new { email = true } });
            var added = await SendAsync(client, HttpMethod.Post, "api/me/addresses",
                new { name = $"Bench Customer {i}", line1 = $"Damrak {i + 1}", city = "Amsterdam", postalCode = "1012 LG", country = "NL" });
            if (i != customerCount - 1) continue;
            // The last customer's operations are the ones recorded: by then every cache but the data keys' is warm.
            once["GET /me/profile, first time (creates the profile)"] = created.Calls;
            once["PATCH /me/profile"] = patched.Calls;
            once["POST /me/addresses"] = added.Calls;
            var customerId = created.Body.GetProperty("customerId").GetString()!;
            once["GET /customers?email= (support)"] = (await SendAsync(support, HttpMethod.Get, $"api/customers?email={Uri.EscapeDataString(email)}", null)).Calls;
            once["GET /customers/{id} (support: profile, orders, points)"] = (await SendAsync(support, HttpMethod.Get, $"api/customers/{Uri.EscapeDataString(customerId)}", null)).Calls;
        }

        // The measured reads: customers in turn, one at a time, each read timed from sending to having read the body.
        var calls = new List<int>();
        var latencies = new List<double>();
        for (var i = 0; i < reads; i++)
        {
            var watch = Stopwatch.StartNew();
            var read = await SendAsync(customers[i % customers.Count], HttpMethod.Get, "api/me/profile", null);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            calls.Add(read.Calls);
        }
        latencies.Sort();

        var problems = new List<string>();
        var table = new StringBuilder()
            .AppendLine("| Operation | Budget | Cosmos DB calls |")
            .AppendLine("|---|---:|---:|");
        foreach (var (operation, budget) in Budgets)
        {
            var measured = operation == "GET /me/profile"
                ? string.Create(CultureInfo.InvariantCulture, $"{calls.Min()} / {calls.Average():0.00} / {calls.Max()} (min / mean / max of {reads})")
                : once[operation].ToString(CultureInfo.InvariantCulture);
            var worst = operation == "GET /me/profile" ? calls.Max() : once[operation];
            if (worst > budget) problems.Add($"{operation}: {worst} calls, budget {budget}");
            table.AppendLine(CultureInfo.InvariantCulture, $"| {operation} | {budget} | {measured} |");
        }
        table.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{reads} profile reads of {customerCount} customers, one at a time: p50 {ScenarioShop.Percentile(latencies, 0.5):0.0} ms, p95 {ScenarioShop.Percentile(latencies, 0.95):0.0} ms."));
        Console.WriteLine(table);

        if (args.Contains("--write-docs"))
        {
            ScenarioShop.WriteSection(root, StartMarker, EndMarker, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {machine}; load average {Report.LoadAverage()} after the run.\n\n{table}");
        }
        foreach (var problem in problems) Console.Error.WriteLine("Budget broken: " + problem);
        foreach (var client in customers) client.Dispose();
        return problems.Count == 0 ? 0 : 1;
    }

    private static async Task<(JsonElement Body, int Calls)> SendAsync(HttpClient client, HttpMethod method, string url, object? body)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body, options: ShopJson.Options);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
        var calls = response.Headers.TryGetValues("X-Cosmos-Calls", out var values) ? int.Parse(values.Single(), CultureInfo.InvariantCulture) : -1;
        return (JsonDocument.Parse(text).RootElement.Clone(), calls);
    }
}
