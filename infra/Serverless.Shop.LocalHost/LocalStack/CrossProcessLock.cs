namespace Serverless.Shop.LocalHost.LocalStack;

/// <summary>
/// A lock shared by every process on the machine: an exclusively opened file (FileShare.None; on Unix .NET backs it
/// with flock). The file is left in place on release: deleting it would let two processes lock two different files.
/// The operating system releases the lock when its process dies, so a crashed holder never blocks the others.
/// </summary>
internal sealed class CrossProcessLock : IDisposable
{
    private readonly FileStream _stream;

    private CrossProcessLock(FileStream stream) => _stream = stream;

    /// <summary>A lock file under the temp folder, shared by every checkout on the machine (ports are machine-wide).</summary>
    public static string PathFor(string name) => Path.Combine(Path.GetTempPath(), $"serverless-shop-{name}.lock");

    public static async Task<CrossProcessLock> AcquireAsync(string path, TimeSpan timeout, Action? onFirstWait, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + timeout;
        var waited = false;
        while (true)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
                return new CrossProcessLock(stream);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Held by another process (or, on Windows, briefly by a scanner): wait and try again.
            }
            catch (UnauthorizedAccessException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new TimeoutException($"Another process held the lock {path} for more than {timeout.TotalSeconds:0} s.", e);
            }
            if (!waited)
            {
                waited = true;
                onFirstWait?.Invoke();
            }
            await Task.Delay(100, ct);
        }
    }

    public void Dispose() => _stream.Dispose();
}
