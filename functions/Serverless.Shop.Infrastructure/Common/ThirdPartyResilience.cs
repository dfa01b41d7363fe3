using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>A call to a third party (SendGrid, a payment gateway, a carrier) that did not succeed.</summary>
public sealed class ThirdPartyCallFailedException(string service, HttpStatusCode? statusCode, string detail, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(statusCode is { } status ? $"{service} answered {(int)status} {status}: {detail}" : $"{service} could not be reached: {detail}", inner)
{
    public string Service { get; } = service;

    /// <summary>Null when no answer came back.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>The service's Retry-After, when it said how long to wait.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Worth trying again: throttled, timed out, or failing on the other side. A 4xx other than 408/429 will fail the same way again.</summary>
    public bool IsTransient => StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)StatusCode >= 500;
}

public sealed record ThirdPartyResilienceOptions
{
    /// <summary>Everything, retries and waits included: a caller (often a queue function) is never held longer.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);
    public int MaxRetryAttempts { get; init; } = 3;

    /// <summary>First wait; each next one doubles, with jitter so many instances do not retry in step.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The circuit opens when this share of calls fail within <see cref="BreakerSamplingDuration"/> (given enough calls)...</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    public int BreakerMinimumThroughput { get; init; } = 10;
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>...and calls fail at once, without reaching the service, for this long.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    public static ThirdPartyResilienceOptions Default { get; } = new();
}

/// <summary>
/// The one resilience policy for calls to third parties. An adapter turns a non-success answer into a
/// <see cref="ThirdPartyCallFailedException"/> inside the pipeline; the pipeline decides whether to try again.
/// Build one pipeline per third party and keep it (a singleton), so its circuit breaker sees all calls to that party.
/// </summary>
/// <remarks>
/// A retried request may have reached the service the first time (a connection lost after sending). For email that
/// means a rare duplicate; adapters for calls that must not repeat (charging a card) send an idempotency key.
/// </remarks>
public static class ThirdPartyResilience
{
    public static ResiliencePipeline Create(string service, ThirdPartyResilienceOptions options, ILogger logger, TimeProvider? timeProvider = null)
    {
        var builder = new ResiliencePipelineBuilder { Name = service };
        if (timeProvider is not null) builder.TimeProvider = timeProvider;

        // Outermost first: overall timeout > retry > circuit breaker > per-attempt timeout.
        return builder
            .AddTimeout(options.TotalTimeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                // A service that says how long to wait (429 Retry-After) is believed, within the same ceiling.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ThirdPartyCallFailedException { RetryAfter: { } wait }
                    ? (TimeSpan?)(wait < options.MaxRetryDelay ? wait : options.MaxRetryDelay)
                    : null),
                OnRetry = args =>
                {
                    logger.LogWarning("Call to {Service} failed ({Reason}); attempt {Attempt} in {Delay}.",
                        service, Describe(args.Outcome.Exception), args.AttemptNumber + 2, args.RetryDelay);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = args =>
                {
                    logger.LogError("Calls to {Service} keep failing ({Reason}); not calling it for {BreakDuration}.",
                        service, Describe(args.Outcome.Exception), args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("Calls to {Service} succeed again.", service);
                    return default;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>Throttling, server errors, lost connections and attempts that ran out of time.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ThirdPartyCallFailedException failed => failed.IsTransient,
        HttpRequestException => true,
        TimeoutRejectedException => true,
        _ => false,
    };

    private static string Describe(Exception? exception) => exception?.Message ?? "no exception";
}
