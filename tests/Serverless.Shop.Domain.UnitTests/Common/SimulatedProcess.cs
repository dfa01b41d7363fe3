namespace Serverless.Shop.Domain.UnitTests.Common;

public sealed class ProcessKilledException() : Exception("The process was killed.");

/// <summary>
/// The process a store double lives in, for crash tests: after the chosen write (whether or not it changed anything) has
/// reached the store, the call throws <see cref="ProcessKilledException"/> and so does every later call, until
/// <see cref="Restart"/> brings up a new process on the same data. A double routes its writes through
/// <see cref="WriteAsync{T}"/> and its reads through <see cref="ReadAsync{T}"/>.
/// </summary>
public sealed class SimulatedProcess
{
    private int _writes;
    private int? _killAfter;
    private bool _dead;

    public void KillAfter(int writes) => _killAfter = _writes + writes;

    public void Restart()
    {
        _dead = false;
        _killAfter = null;
    }

    public Task<T> ReadAsync<T>(Func<Task<T>> read) => _dead ? throw new ProcessKilledException() : read();

    public async Task<T> WriteAsync<T>(Func<Task<T>> write)
    {
        if (_dead) throw new ProcessKilledException();
        var written = write();
        try { await written; }
        catch (Exception) { /* the store's answer: the caller sees it below, unless the process dies first */ }
        if (++_writes == _killAfter)
        {
            _dead = true;
            throw new ProcessKilledException();
        }
        return await written;
    }

    /// <summary>
    /// Kills the call after its first write, then after its second, and so on, each time in a fresh arrangement and
    /// followed by a retry of the same call in a restarted process, then <paramref name="check"/>s the outcome (with a
    /// description of where it was killed). Stops once the call made fewer writes than the kill point.
    /// </summary>
    /// <returns>The kill point that was no longer reached: one more than the writes the call makes.</returns>
    public static async Task<int> KillAfterEveryWriteAsync<TBed>(
        Func<Task<TBed>> arrange, Func<TBed, SimulatedProcess> process, Func<TBed, Task> call, Action<TBed, string> check)
    {
        for (var kill = 1; ; kill++)
        {
            var bed = await arrange();
            process(bed).KillAfter(kill);
            var killed = false;
            try
            {
                await call(bed);
            }
            catch (ProcessKilledException)
            {
                killed = true;
                process(bed).Restart();
                await call(bed);
            }
            check(bed, $"killed after write {kill} and retried");
            if (!killed) return kill;
        }
    }
}
