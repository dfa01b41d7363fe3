using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Customers;

/// <summary>
/// A customer's own profile and address book. The profile is made from the sign-in's claims (name, verified email) the
/// first time the customer reads or changes it. Every change is read, apply the rules, write under the ETag: with the
/// client's If-Match when it sends one (412 when stale), otherwise read again on a conflict. A change that breaks a rule
/// writes nothing. Tests: CustomerProfileApiTests, CustomerProfileBadInputTests, CustomerProfileRulesTests.
/// </summary>
public sealed class ManageCustomerProfile(ICustomerProfileStore profiles, TimeProvider clock, IEnumerable<ICustomerProfileFollower>? followers = null)
{
    private const int MaximumAttempts = 5;

    public async Task<Versioned<CustomerProfile>> GetAsync(SignedInCustomer customer, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await profiles.FindAsync(customer.Id, ct) is { } found) return found;
            var created = New(customer);
            try
            {
                return new(created, await profiles.SaveAsync(created, null, ct));
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                // Another request of the customer created it at the same moment: read theirs.
            }
        }
    }

    public Task<Versioned<CustomerProfile>> UpdateAsync(SignedInCustomer customer, ProfileInput input, bool replace, string? ifMatch, CancellationToken ct) =>
        ChangeAsync(customer, ifMatch, profile => CustomerProfileRules.Apply(profile, input, customer, replace, clock.GetUtcNow()), ct);

    public async Task<AddressBook> GetAddressesAsync(SignedInCustomer customer, CancellationToken ct) =>
        AddressBook.Of((await GetAsync(customer, ct)).Value);

    /// <summary>Adds an address; returns the book and the new address's id.</summary>
    public async Task<(Versioned<AddressBook> Book, string AddressId)> AddAddressAsync(SignedInCustomer customer, AddressInput input, string? ifMatch, CancellationToken ct)
    {
        var id = Ids.New("addr");
        var saved = await ChangeAsync(customer, ifMatch, profile => CustomerProfileRules.AddAddress(profile, input, id, clock.GetUtcNow()), ct);
        return (new(AddressBook.Of(saved.Value), saved.Version), id);
    }

    public async Task<Versioned<AddressBook>> ReplaceAddressAsync(SignedInCustomer customer, string addressId, AddressInput input, string? ifMatch, CancellationToken ct)
    {
        var saved = await ChangeAsync(customer, ifMatch, profile => CustomerProfileRules.ReplaceAddress(profile, addressId, input, clock.GetUtcNow()), ct);
        return new(AddressBook.Of(saved.Value), saved.Version);
    }

    public async Task<Versioned<AddressBook>> RemoveAddressAsync(SignedInCustomer customer, string addressId, string? ifMatch, CancellationToken ct)
    {
        var saved = await ChangeAsync(customer, ifMatch, profile => CustomerProfileRules.RemoveAddress(profile, addressId, clock.GetUtcNow()), ct);
        return new(AddressBook.Of(saved.Value), saved.Version);
    }

    /// <summary>
    /// An address of the customer's book, for a checkout that names it by id; null when the customer has no profile or
    /// no address with that id. Reads the profile without creating one.
    /// </summary>
    public async Task<CustomerAddress?> FindAddressAsync(string customerId, string addressId, CancellationToken ct) =>
        (await profiles.FindAsync(customerId, ct))?.Value.AddressById(addressId);

    private async Task<Versioned<CustomerProfile>> ChangeAsync(SignedInCustomer customer, string? ifMatch, Func<CustomerProfile, CustomerProfile> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await profiles.FindAsync(customer.Id, ct);
            if (ifMatch is not null && current?.Version != ifMatch) throw new StaleVersionException("Profile");
            var changed = change(current?.Value ?? New(customer));
            try
            {
                var saved = new Versioned<CustomerProfile>(changed, await profiles.SaveAsync(changed, current?.Version, ct));
                var facts = ProfileFacts.Of(changed);
                if (current is null || ProfileFacts.Of(current.Value) != facts)
                    foreach (var follower in followers ?? []) await follower.ProfileChangedAsync(changed.CustomerId, facts, ct);
                return saved;
            }
            catch (StaleVersionException) when (ifMatch is null && attempt < MaximumAttempts)
            {
                // Changed by another request of the customer in between: apply the change to what is there now.
            }
        }
    }

    private CustomerProfile New(SignedInCustomer customer)
    {
        var now = clock.GetUtcNow();
        var name = string.IsNullOrWhiteSpace(customer.Name) ? null : customer.Name.Trim();
        return new CustomerProfile
        {
            CustomerId = customer.Id,
            Name = name is { Length: <= CustomerProfileRules.MaximumNameLength } ? name : null,
            Email = customer.VerifiedEmail,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}

/// <summary>
/// One more part of what support sees of a customer (<c>GET /api/customers/{id}</c>), from a capability that keeps
/// something about them: their reviews, their purchase-history totals. Each registers one; the overview gathers them
/// under <see cref="CustomerOverview.Sections"/> by <see cref="Name"/>.
/// </summary>
public interface ICustomerOverviewSection
{
    /// <summary>The section's property name (camelCase, unique): "reviews", "purchaseHistory" ...</summary>
    string Name { get; }

    Task<object?> ReadAsync(string customerId, CancellationToken ct);
}

/// <summary>Support's view of a customer: the profile (null when they never opened it), recent orders, points, and the other capabilities' sections.</summary>
public sealed record CustomerOverview(
    string CustomerId, CustomerProfile? Profile, IReadOnlyList<Orders.OrderSummary> RecentOrders, Loyalty.PointsView Points,
    IReadOnlyDictionary<string, object?> Sections);

/// <summary>A customer support found: enough to tell them apart and open them.</summary>
public sealed record CustomerMatch(string CustomerId, string? Name, string? Email, string? Phone);

/// <summary>What support searches customers by, from the query string: exactly one of them.</summary>
public sealed record CustomerSearchInput(string? Email, string? Phone, string? Name, string? OrderNumber);

/// <summary>Whether the actor may read another customer's data (support and admins).</summary>
public static class CustomerSupportRoles
{
    public static readonly string[] Readers = [ShopRoles.Support, ShopRoles.Admin];
}

/// <summary>
/// What other capabilities may decide on about a profile: the language and the marketing consents, never a personal
/// value. Segments use them (docs/loyalty.md#segments).
/// </summary>
public sealed record ProfileFacts(string? Language, bool EmailMarketing, bool SmsMarketing)
{
    public static ProfileFacts Of(CustomerProfile profile) => new(
        profile.Language, profile.MarketingConsent.GetValueOrDefault(MarketingChannels.Email), profile.MarketingConsent.GetValueOrDefault(MarketingChannels.Sms));
}

/// <summary>Told after a profile change that changed its <see cref="ProfileFacts"/> (the purchase history keeps them for segments).</summary>
public interface ICustomerProfileFollower
{
    Task ProfileChangedAsync(string customerId, ProfileFacts facts, CancellationToken ct);
}
