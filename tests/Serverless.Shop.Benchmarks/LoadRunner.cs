using System.Diagnostics;
using System.Globalization;

namespace Serverless.Shop.Benchmarks;

/// <summary>One request's outcome. <paramref name="CosmosCalls"/> is the X-Cosmos-Calls header, null when absent.</summary>
public sealed record Sample(string Path, double Milliseconds, int? CosmosCalls, string? Failure)
{
    public bool Succeeded => Failure is null;
}

/// <summary>What one run of a scenario produced. Requests not started before the time limit have no sample.</summary>
public sealed record Run(Scenario Scenario, int Requested, int Concurrency, TimeSpan Elapsed, IReadOnlyList<Sample> Samples);

/// <summary>
/// Sends a scenario's requests with a fixed number in flight: each of <c>concurrency</c> workers sends its next request
/// as soon as its previous one has completed (closed loop), until the requested count is reached or the time limit passes.
/// </summary>
public sealed class LoadRunner(HttpClient client, TimeSpan timeLimit)
{
    public async Task<Run> RunAsync(Scenario scenario, int requests, int concurrency, int seed, CancellationToken ct)
    {
        var samples = new Sample?[requests];
        var next = -1;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeLimit);

        var elapsed = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            // Random is not thread-safe: one per worker, seeded, so every run asks for the same mix of products.
            var random = new Random(seed + worker);
            int i;
            while (!limit.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < requests)
                samples[i] = await SendAsync(scenario.NextPath(random), limit.Token);
        }, CancellationToken.None));
        await Task.WhenAll(workers);
        elapsed.Stop();

        ct.ThrowIfCancellationRequested();
        return new Run(scenario, requests, concurrency, elapsed.Elapsed, samples.OfType<Sample>().ToList());
    }

    private async Task<Sample> SendAsync(string path, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // GetAsync reads the whole body before it returns, so the latency includes the transfer of the page.
            using var response = await client.GetAsync(path, ct);
            var calls = response.Headers.TryGetValues("X-Cosmos-Calls", out var values)
                && int.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
            var failure = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
            return new Sample(path, Stopwatch.GetElapsedTime(started).TotalMilliseconds, calls, failure);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            var failure = e switch
            {
                OperationCanceledException when ct.IsCancellationRequested => "cut off by the scenario's time limit",
                OperationCanceledException => $"no answer within {client.Timeout.TotalSeconds:0} s",
                _ => e.Message,
            };
            return new Sample(path, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, failure);
        }
    }
}
