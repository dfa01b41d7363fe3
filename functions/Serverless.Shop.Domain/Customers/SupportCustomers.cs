using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Customers;

/// <summary>
/// Support and admins finding a customer and seeing them whole. Email, phone and name are looked up by their blind
/// indexes (the profile store never holds them plain); an order number leads to the order's customer. Tests:
/// CustomerSupportTests.
/// </summary>
public sealed class SupportCustomers(
    ICustomerProfileStore profiles, IOrderStore orders, PointsLedger points, IEnumerable<ICustomerOverviewSection> sections)
{
    public const int MaximumMatches = 50;
    public const int RecentOrderCount = 20;
    public const int MaximumSearchLength = 254;

    public async Task<IReadOnlyList<CustomerMatch>> SearchAsync(CustomerSearchInput input, CancellationToken ct)
    {
        var v = new Validator();
        var given = new[] { ("email", input.Email), ("phone", input.Phone), ("name", input.Name), ("orderNumber", input.OrderNumber) }
            .Where(g => !string.IsNullOrWhiteSpace(g.Item2)).ToList();
        if (given.Count != 1) v.Add(given.Count == 0 ? "email" : given[1].Item1, "give exactly one of email, phone, name or orderNumber.");
        foreach (var (field, value) in given) v.MaxLength(value, MaximumSearchLength, field);
        if (!string.IsNullOrWhiteSpace(input.Phone))
            v.Check(CustomerProfileRules.IsInternationalPhone(input.Phone), "phone", "must be an international phone number, such as +31 20 123 4567 (profiles keep them so).");
        v.ThrowIfInvalid();

        if (input.OrderNumber is { } number)
        {
            var order = await orders.FindAsync(number.Trim(), ct);
            if (order?.Value.CustomerId is not { } customerId) return [];
            var profile = (await profiles.FindAsync(customerId, ct))?.Value;
            return [profile is null ? new CustomerMatch(customerId, null, order.Value.Email, null) : Match(profile)];
        }
        var found = await profiles.SearchAsync(new CustomerSearch(input.Email?.Trim(), input.Phone?.Trim(), input.Name?.Trim()), MaximumMatches, ct);
        return [.. found.Select(Match)];
    }

    /// <summary>The customer's profile, recent orders, points and every registered section; 404 when the shop knows nothing of them.</summary>
    public async Task<CustomerOverview> GetAsync(string customerId, CancellationToken ct)
    {
        var v = new Validator();
        v.MaxLength(customerId, ErasePersonalData.MaximumIdLength, "customerId");
        v.ThrowIfInvalid();
        var profile = (await profiles.FindAsync(customerId, ct))?.Value;
        var recent = await orders.ListByCustomerAsync(customerId, new PageRequest(RecentOrderCount, null), ct);
        var balance = await points.GetAsync(new Actor(customerId, []), ct);
        if (profile is null && recent.Items.Count == 0 && balance.Movements.Count == 0 && balance.Held == 0)
            throw new ResourceNotFoundException("Customer", customerId);
        var gathered = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var section in sections) gathered.Add(section.Name, await section.ReadAsync(customerId, ct));
        return new CustomerOverview(customerId, profile, recent.Items, balance, gathered);
    }

    private static CustomerMatch Match(CustomerProfile p) => new(p.CustomerId, p.Name, p.Email, p.Phone);
}

/// <summary>
/// The profile's share of the customer's data export ("profile": every field opened), and its clean-up after an
/// erasure: the profile document is deleted with the blind indexes it carries (its sealed values were unreadable from
/// the moment the key was destroyed). Tests: CustomerProfilePrivacyTests.
/// </summary>
public sealed class CustomerProfilePrivacy(ICustomerProfileStore profiles) : IPersonalDataExportSection, IPersonalDataCleanup
{
    public string Name => "profile";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct) => (await profiles.FindAsync(customerId, ct))?.Value;

    public Task CleanUpAsync(string customerId, CancellationToken ct) => profiles.DeleteAsync(customerId, ct);
}
