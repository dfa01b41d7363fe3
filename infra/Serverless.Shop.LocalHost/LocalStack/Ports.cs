using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Serverless.Shop.LocalHost.LocalStack;

/// <summary>Chooses local TCP ports: the preferred one when it is free, else one the operating system hands out.</summary>
internal static class Ports
{
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One free port for each preferred port, reserved machine-wide for a minute. A port is free between our check and
    /// the emulator's bind; a launcher in another process (tests run in parallel) would see the same preferred port free
    /// in that time. So launchers record their choices (port, pid, until) in a file in the temp folder, under a lock held
    /// only while choosing, and skip ports that a live launcher reserved. The launcher releases its reservations once
    /// the emulators listen (or failed to); they lapse after a minute anyway.
    /// </summary>
    public static async Task<int[]> ReserveAsync(IReadOnlyList<int> preferred, CancellationToken ct)
    {
        using var fileLock = await CrossProcessLock.AcquireAsync(LockPath, TimeSpan.FromSeconds(30), null, ct);
        var file = ReservationsFile;
        var now = DateTimeOffset.UtcNow;
        var reservations = Read(file).Where(r => r.Until > now && IsAlive(r.Pid)).ToList();
        var taken = reservations.Select(r => r.Port).ToHashSet();
        var ports = preferred.Select(p => Choose(p, taken)).ToArray();
        reservations.AddRange(ports.Select(p => new Reservation(p, Environment.ProcessId, now + ReservationLifetime)));
        try
        {
            File.WriteAllText(file, JsonSerializer.Serialize(reservations));
        }
        catch (IOException)
        {
            // Only an optimisation for parallel starts; a port conflict is still caught and retried by the launcher.
        }
        return ports;
    }

    public static async Task ReleaseAsync(IReadOnlyCollection<int> ports)
    {
        try
        {
            using var fileLock = await CrossProcessLock.AcquireAsync(LockPath, TimeSpan.FromSeconds(30), null, CancellationToken.None);
            var now = DateTimeOffset.UtcNow;
            var kept = Read(ReservationsFile).Where(r => r.Until > now && !(r.Pid == Environment.ProcessId && ports.Contains(r.Port))).ToList();
            File.WriteAllText(ReservationsFile, JsonSerializer.Serialize(kept));
        }
        catch (Exception e) when (e is IOException or TimeoutException or UnauthorizedAccessException)
        {
            // They lapse by themselves.
        }
    }

    private static string LockPath => CrossProcessLock.PathFor("localstack-ports");
    private static string ReservationsFile => Path.Combine(Path.GetTempPath(), "serverless-shop-localstack-ports.json");

    private sealed record Reservation(int Port, int Pid, DateTimeOffset Until);

    private static List<Reservation> Read(string file)
    {
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize<List<Reservation>>(File.ReadAllText(file)) ?? [] : [];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// The preferred port when nothing listens on it and it can be bound on 127.0.0.1, else a free ephemeral port;
    /// never one of <paramref name="taken"/>, and the choice is added to it.
    /// </summary>
    public static int Choose(int preferred, ISet<int> taken)
    {
        if (preferred is > 0 and <= IPEndPoint.MaxPort && !taken.Contains(preferred) && IsFree(preferred))
        {
            taken.Add(preferred);
            return preferred;
        }
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var port = Ephemeral();
            if (!taken.Contains(port) && IsFree(port))
            {
                taken.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException("Could not find a free TCP port on 127.0.0.1.");
    }

    /// <summary>Free when it can be bound on 127.0.0.1 and nothing answers a connection to it (a listener on 0.0.0.0 or ::1 also counts).</summary>
    public static bool IsFree(int port)
    {
        try
        {
            // ExclusiveAddressUse: on Unix .NET otherwise sets SO_REUSEADDR, and on Windows a wildcard listener would not conflict.
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ExclusiveAddressUse = true };
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen(1);
        }
        catch (SocketException)
        {
            return false;
        }
        return !Answers(IPAddress.Loopback, port) && !(Socket.OSSupportsIPv6 && Answers(IPAddress.IPv6Loopback, port));
    }

    private static bool Answers(IPAddress address, int port)
    {
        try
        {
            using var client = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            var connect = client.ConnectAsync(new IPEndPoint(address, port));
            // A closed port is refused at once; anything listening accepts at once. Only a firewall makes this wait.
            return connect.Wait(TimeSpan.FromMilliseconds(300)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int Ephemeral()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
