using System.Net;
using System.Net.Sockets;

namespace Serverless.Shop.Domain.Analytics.Clickstream;

/// <summary>
/// Truncates a client's address to the network it came from, so no event ever holds a full address: IPv4 to its /24
/// ("203.0.113.0/24"), IPv6 to its /48 ("2001:db8:1::/48"). An IPv4 address written as IPv6 (::ffff:a.b.c.d) is
/// treated as the IPv4 address it is. Tests: NetworkPrefixesTests.
/// </summary>
public static class NetworkPrefixes
{
    /// <summary>The prefix of an address as a proxy or the server reports it ("a.b.c.d", "a.b.c.d:port", "[v6]:port", "v6"); null when it is not an address.</summary>
    public static string? Truncate(string? address)
    {
        if (string.IsNullOrWhiteSpace(address)) return null;
        var text = address.Trim();
        if (!IPAddress.TryParse(text, out var ip))
        {
            if (!IPEndPoint.TryParse(text, out var endPoint)) return null;
            ip = endPoint.Address;
        }
        return Truncate(ip);
    }

    public static string Truncate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes) + "/24";
        }
        Array.Clear(bytes, 6, bytes.Length - 6);
        return new IPAddress(bytes) + "/48";
    }
}
