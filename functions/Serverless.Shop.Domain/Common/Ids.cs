namespace Serverless.Shop.Domain.Common;

/// <summary>Resource ids: a readable prefix and a time-ordered GUID, e.g. <c>prod_0190a1b2c3...</c>.</summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";

    /// <summary>Ids come back from clients in URLs; this keeps them to the characters the shop issues.</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= 100 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
