using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Customers;

/// <summary><see cref="ManageCustomerProfile"/> over an in-memory store: creation from the sign-in, and concurrent changes.</summary>
public sealed class ManageCustomerProfileTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly SignedInCustomer Ada = new("cust_ada", "ada@example.com", "Ada Lovelace");
    private readonly ProfileStore _store = new();
    private readonly RecordingFollower _follower = new();
    private ManageCustomerProfile Profiles => new(_store, new ManualClock(FixedClock.Instant), [_follower]);

    private sealed class RecordingFollower : ICustomerProfileFollower
    {
        public List<(string CustomerId, ProfileFacts Facts)> Told { get; } = [];

        public Task ProfileChangedAsync(string customerId, ProfileFacts facts, CancellationToken ct)
        {
            Told.Add((customerId, facts));
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Followers_hear_of_a_new_language_or_consent_and_not_of_other_changes()
    {
        await Profiles.GetAsync(Ada, Ct);
        await Profiles.UpdateAsync(Ada, new ProfileInput(Phone: "+31 20 555 0101"), replace: false, null, Ct);
        _follower.Told.ShouldBeEmpty("a phone number is nothing segments decide on");

        await Profiles.UpdateAsync(Ada, new ProfileInput(Language: "nl", MarketingConsent: new Dictionary<string, bool> { ["email"] = true }, ConsentSource: "test"), replace: false, null, Ct);

        _follower.Told.ShouldBe([(Ada.Id, new ProfileFacts("nl", EmailMarketing: true, SmsMarketing: false))]);
    }

    [Fact]
    public async Task The_first_read_makes_the_profile_from_the_sign_in_and_a_read_after_that_writes_nothing()
    {
        var first = await Profiles.GetAsync(Ada, Ct);
        var again = await Profiles.GetAsync(Ada, Ct);

        (first.Value.Name, first.Value.Email).ShouldBe(("Ada Lovelace", "ada@example.com"));
        again.Version.ShouldBe(first.Version);
        _store.Writes.ShouldBe(1);
    }

    [Fact]
    public async Task Two_first_reads_at_once_end_with_one_profile()
    {
        _store.BeforeNextWrite = () => _store.Put(new CustomerProfile { CustomerId = Ada.Id, Name = "Created by the other request", CreatedAt = FixedClock.Instant, UpdatedAt = FixedClock.Instant });

        var read = await Profiles.GetAsync(Ada, Ct);

        read.Value.Name.ShouldBe("Created by the other request");
    }

    [Fact]
    public async Task A_change_with_a_stale_If_Match_writes_nothing_and_one_without_is_applied_to_the_newer_profile()
    {
        var created = await Profiles.GetAsync(Ada, Ct);
        await Profiles.UpdateAsync(Ada, new ProfileInput(Language: "nl"), false, created.Version, Ct);
        var writes = _store.Writes;

        await Should.ThrowAsync<StaleVersionException>(() => Profiles.UpdateAsync(Ada, new ProfileInput(Language: "de"), false, created.Version, Ct));
        _store.Writes.ShouldBe(writes);

        // Someone else changes the phone between this change's read and its write: the change is made again on theirs.
        _store.BeforeNextWrite = () => _store.Put(_store.Current!.Value with { Phone = "+31 20 123 4567" });
        var changed = await Profiles.UpdateAsync(Ada, new ProfileInput(Language: "fr"), false, null, Ct);
        (changed.Value.Language, changed.Value.Phone).ShouldBe(("fr", "+31 20 123 4567"));
    }

    [Fact]
    public async Task A_checkout_finds_an_address_of_the_book_and_nothing_for_an_unknown_id_or_a_customer_without_a_profile()
    {
        var (_, id) = await Profiles.AddAddressAsync(Ada, new AddressInput("Ada", "Damrak 1", null, "Amsterdam", "1012 LG", null, "NL", null), null, Ct);

        (await Profiles.FindAddressAsync(Ada.Id, id, Ct))!.Line1.ShouldBe("Damrak 1");
        (await Profiles.FindAddressAsync(Ada.Id, "addr_other", Ct)).ShouldBeNull();
        (await Profiles.FindAddressAsync("cust_nobody", id, Ct)).ShouldBeNull();
    }

    /// <summary>One profile's store with versions, and a hook to write in between a read and a write as another request would.</summary>
    private sealed class ProfileStore : ICustomerProfileStore
    {
        private int _version;

        public Versioned<CustomerProfile>? Current { get; private set; }
        public int Writes { get; private set; }
        public Action? BeforeNextWrite { get; set; }

        public void Put(CustomerProfile profile) => Current = new(profile, $"v{++_version}");

        public Task<Versioned<CustomerProfile>?> FindAsync(string customerId, CancellationToken ct) =>
            Task.FromResult(Current?.Value.CustomerId == customerId ? Current : null);

        public Task<string> SaveAsync(CustomerProfile profile, string? expectedVersion, CancellationToken ct)
        {
            var hook = BeforeNextWrite;
            BeforeNextWrite = null;
            hook?.Invoke();
            if (Current?.Version != expectedVersion) throw new StaleVersionException("Profile");
            Writes++;
            Put(profile);
            return Task.FromResult(Current!.Version);
        }

        public Task<IReadOnlyList<CustomerProfile>> SearchAsync(CustomerSearch search, int max, CancellationToken ct) => throw new NotSupportedException();

        public Task DeleteAsync(string customerId, CancellationToken ct) => throw new NotSupportedException();
    }
}
