using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// Runs one timer-triggered function on its schedule: a six-field NCRONTAB expression (with seconds) or a TimeSpan, as
/// the Functions host accepts, or <c>%Setting%</c>, read from that setting as the host does (missing: the host stops).
/// </summary>
public sealed class TimerTriggerScheduler(LocalFunction function, FunctionInvoker invoker, TimeProvider clock, ILogger<TimerTriggerScheduler> logger, IConfiguration configuration) : BackgroundService
{
    public Func<DateTime, DateTime> NextOccurrence { get; } = Parse(Resolve(function.Schedule!, configuration));

    /// <summary>The schedule itself, or the value of the setting a <c>%Setting%</c> schedule names.</summary>
    public static string Resolve(string schedule, IConfiguration configuration) =>
        schedule.Length > 2 && schedule[0] == '%' && schedule[^1] == '%'
            ? configuration[schedule[1..^1]] is { Length: > 0 } value ? value : throw new InvalidOperationException($"The timer schedule setting {schedule[1..^1]} is not set.")
            : schedule;

    public static Func<DateTime, DateTime> Parse(string schedule)
    {
        if (TimeSpan.TryParse(schedule, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
            return last => last + interval;
        var cron = CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        return cron.GetNextOccurrence;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = clock.GetUtcNow().UtcDateTime;
        if (function.RunOnStartup) await RunAsync(last, last, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = NextOccurrence(last);
            var wait = next - clock.GetUtcNow().UtcDateTime;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, clock, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
            await RunAsync(last, next, stoppingToken);
            last = next;
        }
    }

    private async Task RunAsync(DateTime last, DateTime next, CancellationToken ct)
    {
        var timer = new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = last, Next = NextOccurrence(next), LastUpdated = clock.GetUtcNow().UtcDateTime } };
        try
        {
            await invoker.InvokeTimerAsync(function, timer, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Timer function {Function} failed; it runs again at its next occurrence", function.Name);
        }
    }
}
