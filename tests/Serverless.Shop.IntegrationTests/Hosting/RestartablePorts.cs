using System.Net;
using System.Net.Sockets;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>
/// Ports for hosts that a test kills and starts again on the same address (the crash tests). A port taken from the
/// system's ephemeral range (binding port 0) is free only until someone else binds port 0: the shops and gRPC sidecars
/// the other tests start in this process do that all the time, and one of them took a crash slot's port between two of
/// its hosts, so the slot's requests reached another shop (401: its tokens are signed with another key). These ports
/// come from below the ephemeral range, which the system never hands out for port 0, each once per process.
/// </summary>
public static class RestartablePorts
{
    private const int Lowest = 20_000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        var highest = EphemeralRangeStart() - 1;
        var span = highest - Lowest + 1;
        // Test processes running side by side start from different places.
        var start = Environment.ProcessId * 37 % span;
        lock (Gate)
        {
            for (var i = 0; i < span; i++)
            {
                var port = Lowest + (start + i) % span;
                if (Given.Contains(port) || !IsFree(port)) continue;
                Given.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"No free port between {Lowest} and {highest}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux says where port 0's range starts; elsewhere 32768 is below every system's default range.
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out var low) && low > Lowest + 100)
            return low;
        return 32_768;
    }
}
