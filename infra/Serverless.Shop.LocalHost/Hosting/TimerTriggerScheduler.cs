using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>Runs one timer-triggered function on its schedule: a six-field NCRONTAB expression (with seconds) or a TimeSpan, as the Functions host accepts.</summary>
public sealed class TimerTriggerScheduler(LocalFunction function, FunctionInvoker invoker, TimeProvider clock, ILogger<TimerTriggerScheduler> logger) : BackgroundService
{
    public Func<DateTime, DateTime> NextOccurrence { get; } = Parse(function.Schedule!);

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
