namespace Serverless.Shop.Domain.Common;

/// <summary>
/// What a counter change keyed by a change key did. Promotion uses (IPromotionUsageStore) and flash sale units
/// (IFlashSaleStore) count with the same keyed counters.
/// </summary>
public enum CounterChange
{
    /// <summary>The counter changed now.</summary>
    Applied,

    /// <summary>The counter's journal holds the key: the change was made before and was not made again.</summary>
    AlreadyApplied,

    /// <summary>Refused: a take would pass the limit, or a give-back would go below zero. Nothing changed.</summary>
    LimitReached,

    /// <summary>The journal no longer reaches back to the instant asked for, so it cannot tell whether the change was made: nothing changed.</summary>
    NotCovered,
}

/// <summary>
/// Change keys: the identity of one counter change, so that a retried change is recognised by the counter and not made
/// twice. A key is a short hash of the kind of change, the order and the version of the order's record (a promotion
/// use, a flash sale hold) the change starts from ("none" before the first record), so an order that holds, releases
/// and holds again makes new changes each time, while a retry after a crash (the record unchanged) repeats the same key.
/// </summary>
public static class ChangeKeys
{
    /// <summary>Taking units for a hold: the same key for every counter the hold takes from.</summary>
    public const string Take = "take";

    /// <summary>Giving back what a hold took before one of its counters refused it.</summary>
    public const string Untake = "untake";

    /// <summary>Counting a redemption.</summary>
    public const string Redeem = "redeem";

    /// <summary>Giving back what a held or redeemed (committed) record counted.</summary>
    public const string Release = "release";

    public static string For(string kind, string orderId, string? fromVersion)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{kind}|{orderId}|{fromVersion ?? "none"}"));
        return Convert.ToHexStringLower(hash)[..16];
    }
}
