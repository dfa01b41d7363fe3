using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>A day's abandoned carts in one currency, with the share recovered (by count; null without carts).</summary>
public sealed record AbandonedCartDayView(
    DateOnly Day, string Currency, long Count, long Value, long Recovered, long RecoveredValue, long RecoveredAfterReminder, decimal? RecoveredShare);

/// <summary>The range's abandoned carts in one currency, all days added up.</summary>
public sealed record AbandonedCartTotalView(
    string Currency, long Count, long Value, long Recovered, long RecoveredValue, long RecoveredAfterReminder, decimal? RecoveredShare);

public sealed record AbandonedCartsView(DateOnly From, DateOnly To, IReadOnlyList<AbandonedCartDayView> Days, IReadOnlyList<AbandonedCartTotalView> Totals);

/// <summary>
/// One abandoned cart in the marketer list. <see cref="Email"/> is there only when the shopper may be sent marketing
/// email now (consent, not suppressed), opened at read time from where the shop keeps it sealed (the customer's
/// profile, a guest's cancelled order): the analytics record holds no address.
/// </summary>
public sealed record AbandonedCartListItem(
    string CartId, DateOnly Day, DateTimeOffset IdleSince, string Currency, long Value, int Lines, int Units,
    string? CustomerId, string? Email, int RemindersSent, bool Recovered, bool RecoveredAfterReminder, string? RecoveredByOrder, long? RecoveredValue);

public sealed record AbandonedCartList(DateOnly From, DateOnly To, IReadOnlyList<AbandonedCartListItem> Items, bool Truncated);

/// <summary>
/// The abandoned carts, read (docs/analytics.md#abandoned-carts): per day and currency from the records of the range
/// (one query, a page per 1000 carts); the marketer list, newest first, with each contactable shopper's address
/// resolved at read time (a profile or order read and a consent check per listed cart).
/// </summary>
public sealed class ReadAbandonedCarts(
    IAbandonedCartStore store, IOrderStore orders, ICustomerProfileStore profiles, IMarketingAudience audience)
{
    public const int MaximumListed = 200;
    public const int DefaultListed = 50;

    public async Task<IReadOnlyList<AbandonedCartDay>> AbandonedCartsAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        Days(await store.ListAsync(from, to, ct));

    public async Task<AbandonedCartsView> DaysAsync(DayRange range, CancellationToken ct)
    {
        var days = Days(await store.ListAsync(range.From, range.To, ct));
        var totals = days.GroupBy(d => d.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Currency: g.Key, Count: g.Sum(d => d.Count), Recovered: g.Sum(d => d.Recovered), Value: g.Sum(d => d.Value),
                RecoveredValue: g.Sum(d => d.RecoveredValue), AfterReminder: g.Sum(d => d.RecoveredAfterReminder)))
            .Select(t => new AbandonedCartTotalView(t.Currency, t.Count, t.Value, t.Recovered, t.RecoveredValue, t.AfterReminder, Share(t.Recovered, t.Count)));
        return new(range.From, range.To, [.. days.Select(View)], [.. totals]);
    }

    public async Task<AbandonedCartList> ListAsync(DayRange range, int? top, CancellationToken ct)
    {
        if (top is < 1 or > MaximumListed)
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["top"] = [$"must be from 1 to {MaximumListed}."] });
        var all = await store.ListAsync(range.From, range.To, ct);
        var listed = all.OrderByDescending(c => c.IdleSince).ThenBy(c => c.CartId, StringComparer.Ordinal).Take(top ?? DefaultListed).ToList();
        var items = new List<AbandonedCartListItem>(listed.Count);
        foreach (var c in listed)
        {
            items.Add(new(c.CartId, c.Day, c.IdleSince, c.Currency, c.Value, c.Lines, c.Units, c.CustomerId, await ContactAsync(c, ct), c.RemindersSent,
                c.Recovery is not null, c.Recovery?.AfterReminder ?? false, c.Recovery?.OrderNumber, c.Recovery?.Value));
        }
        return new(range.From, range.To, items, all.Count > listed.Count);
    }

    private async Task<string?> ContactAsync(AbandonedCart cart, CancellationToken ct)
    {
        string? email = null;
        if (cart.CustomerId is { } customerId) email = (await profiles.FindAsync(customerId, ct))?.Value.Email;
        else if (cart.ContactOrderNumber is { } number) email = (await orders.FindAsync(number, ct))?.Value.Email;
        if (email is not { Length: > 0 } || email == PersonalData.Erased) return null;
        return await audience.MaySendAsync(email, ct) ? email : null;
    }

    private static IReadOnlyList<AbandonedCartDay> Days(IReadOnlyList<AbandonedCart> carts) =>
        [.. carts.GroupBy(c => (c.Day, c.Currency)).OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => new AbandonedCartDay(g.Key.Day, g.Key.Currency, g.LongCount(), g.Sum(c => c.Value),
                g.LongCount(c => c.Recovery is not null), g.Sum(c => c.Recovery?.Value ?? 0), g.LongCount(c => c.Recovery is { AfterReminder: true })))];

    private static AbandonedCartDayView View(AbandonedCartDay d) =>
        new(d.Day, d.Currency, d.Count, d.Value, d.Recovered, d.RecoveredValue, d.RecoveredAfterReminder, Share(d.Recovered, d.Count));

    private static decimal? Share(long recovered, long count) => count == 0 ? null : Math.Round((decimal)recovered / count, 4, MidpointRounding.AwayFromZero);
}

/// <summary>
/// The abandoned carts a customer left, in their data export ("abandonedCarts"), and taken off their records when they
/// are erased: the records stay, counted, with no customer on them. Tests: AbandonedCartCountingTests.
/// </summary>
public sealed class AbandonedCartPersonalData(IAbandonedCartStore store) : IPersonalDataExportSection, IPersonalDataCleanup
{
    public string Name => "abandonedCarts";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct)
    {
        var carts = await store.ForCustomerAsync(customerId, ct);
        return carts.Count == 0 ? null : carts.OrderBy(c => c.IdleSince).Select(c => new
        {
            c.CartId, c.IdleSince, c.Currency, c.Value, c.Lines, c.Units, c.RemindersSent, RecoveredByOrder = c.Recovery?.OrderNumber,
        }).ToList();
    }

    public async Task CleanUpAsync(string customerId, CancellationToken ct)
    {
        foreach (var cart in await store.ForCustomerAsync(customerId, ct)) await store.ForgetOwnerAsync(cart, ct);
    }
}
