namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>When a crash point stops the host: before the step runs, or after its effect and before it is acknowledged.</summary>
public enum CrashMoment { Before, After }

/// <summary>
/// A place where the local host stops dead, so that a test can kill it there (SIGKILL) and prove that a restart finishes
/// the work without doing any of it twice (tests/Serverless.Shop.IntegrationTests/CrashRecovery). Local host only:
/// `dotnet run -- --crash-at CheckoutTakePayment:after`; the function app in Azure has no such switch.
/// </summary>
/// <remarks>
/// A step is an activity function (by its name, e.g. <c>CheckoutTakePayment</c>) or one of the Durable client calls a
/// function makes: <see cref="SignalStep"/> (a webhook or an admin raising the payment event on the checkout) and
/// <see cref="StartStep"/> (StartCheckout scheduling the orchestration of an order it has written). "Before" stops
/// before the step does anything; "after" stops once the step's work is done (its Cosmos DB and provider writes) and
/// before its completion is handed back: to the Durable worker, which records it in the orchestration's history, or to
/// the caller of the client. The first time the point is reached for an order (or a cart: the key is the step's order
/// number or cart id) the host writes <see cref="ReachedMarker"/>, the point and the key on standard output, and that
/// call never returns; everything else in the host goes on until it is killed, so several checkouts can be stopped
/// at the same point in one host.
/// </remarks>
public sealed class CrashPoint
{
    /// <summary>Raising an external event on an orchestration (DurableTaskClient.RaiseEventAsync).</summary>
    public const string SignalStep = "signal";

    /// <summary>Scheduling a new orchestration (DurableTaskClient.ScheduleNewOrchestrationInstanceAsync).</summary>
    public const string StartStep = "start";

    /// <summary>The line's prefix on standard output, for the harness that waits for it.</summary>
    public const string ReachedMarker = "CRASH POINT REACHED:";

    private readonly HashSet<string> _reached = new(StringComparer.Ordinal);

    public CrashPoint(string step, CrashMoment moment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(step);
        Step = step;
        Moment = moment;
    }

    public string Step { get; }
    public CrashMoment Moment { get; }

    /// <summary>"CheckoutTakePayment:after" (or ":before"); the form `--crash-at` takes.</summary>
    public override string ToString() => $"{Step}:{Moment.ToString().ToLowerInvariant()}";

    /// <summary>Reads "Step:before" or "Step:after"; anything else is refused with what was expected.</summary>
    public static CrashPoint Parse(string text)
    {
        var separator = text.LastIndexOf(':');
        if (separator > 0 && Enum.TryParse<CrashMoment>(text[(separator + 1)..], ignoreCase: true, out var moment) && Enum.IsDefined(moment))
            return new CrashPoint(text[..separator].Trim(), moment);
        throw new FormatException($"A crash point is <activity or {SignalStep} or {StartStep}>:before or :after, e.g. CheckoutTakePayment:after; not \"{text}\".");
    }

    /// <summary>Returns at once unless this is the point, reached for the first time for <paramref name="key"/>: then announces it and never returns.</summary>
    /// <param name="key">The order number (or the cart id) the step works on.</param>
    public Task ReachedAsync(string step, CrashMoment moment, string key)
    {
        if (!string.Equals(step, Step, StringComparison.Ordinal) || moment != Moment) return Task.CompletedTask;
        lock (_reached)
        {
            if (!_reached.Add(key)) return Task.CompletedTask;
        }
        Console.Out.WriteLine($"{ReachedMarker} {this} {key}");
        Console.Out.Flush();
        return Task.Delay(Timeout.Infinite);
    }

    /// <summary>What an activity works on: its input when that is a string (an order number, a cart id), else the input's orderNumber.</summary>
    public static string KeyOf(System.Text.Json.JsonElement? input) => input switch
    {
        { ValueKind: System.Text.Json.JsonValueKind.String } text => text.GetString() ?? "",
        { ValueKind: System.Text.Json.JsonValueKind.Object } value when value.TryGetProperty("orderNumber", out var number) => number.ToString(),
        _ => "",
    };
}
