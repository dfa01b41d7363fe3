using System.Buffers.Text;
using System.Text;

namespace Serverless.Shop.Functions.Http;

/// <summary>
/// HTTP entity tags for stored versions. A version (a Cosmos DB ETag) is opaque and its form differs between Cosmos DB
/// and the local emulator, so the API sends it encoded inside one pair of quotes, as RFC 9110 requires, and decodes
/// If-Match back to the exact version. Clients treat the tag as opaque, as they should.
/// </summary>
public static class EntityTags
{
    public static string FromVersion(string version) => $"\"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(version))}\"";

    /// <summary>The version an If-Match names; a value this API did not issue gives a version that matches nothing (so 412).</summary>
    public static string ToVersion(string entityTag)
    {
        var inner = entityTag.Trim();
        if (inner.StartsWith("W/", StringComparison.Ordinal)) inner = inner[2..];
        inner = inner.Trim('"');
        try { return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(inner)); }
        catch (FormatException) { return "unknown:" + inner; }
    }
}
