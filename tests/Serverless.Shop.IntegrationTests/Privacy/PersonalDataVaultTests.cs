using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Privacy;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// The envelope scheme on the Cosmos DB emulator: data keys per owner, AES-GCM with key versions, KEK versions, the
/// blind index, and erasure by destroying the key. Each vault here has no key cache unless a test says otherwise, so
/// every open reads the data-keys container.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PersonalDataVaultTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ShopContainers _containers = fixture.Shop.Services.GetRequiredService<ShopContainers>();

    /// <summary>A key source with the KEK versions a test gives it, the current one named.</summary>
    private sealed class TestKeys(string current, params string[] versions) : IPrivacyKeySource
    {
        private static readonly Dictionary<string, byte[]> Known = new();
        public string Current { get; set; } = current;
        public HashSet<string> Available { get; } = [.. versions.Append(current)];
        public static readonly byte[] IndexKey = RandomNumberGenerator.GetBytes(32);

        private static byte[] KeyOf(string version)
        {
            lock (Known) return Known.TryGetValue(version, out var k) ? k : Known[version] = RandomNumberGenerator.GetBytes(32);
        }

        public Task<KeyEncryptionKey> ReadCurrentKeyEncryptionKeyAsync(CancellationToken ct) => ReadKeyEncryptionKeyAsync(Current, ct);

        public Task<KeyEncryptionKey> ReadKeyEncryptionKeyAsync(string version, CancellationToken ct) => Available.Contains(version)
            ? Task.FromResult(new KeyEncryptionKey(version, KeyOf(version)))
            : throw new Domain.Common.NotConfiguredException($"no KEK version {version}");

        public Task<byte[]> ReadBlindIndexKeyAsync(CancellationToken ct) => Task.FromResult(IndexKey);
    }

    private sealed class SteppedClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    private CosmosPersonalDataVault Vault(IPrivacyKeySource? keys = null, int cacheSeconds = 0) =>
        new(_containers, new PrivacyKeyRing(keys ?? fixture.Shop.Services.GetRequiredService<IPrivacyKeySource>()),
            new PrivacySettings(null, TimeSpan.FromSeconds(cacheSeconds)), TimeProvider.System);

    private static DataOwner NewCustomer() => DataOwner.Customer("cust_" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_sealed_value_hides_the_plain_text_names_its_key_version_and_opens_again_with_the_owner_s_key()
    {
        var owner = NewCustomer();
        var key = await Vault().OpenAsync(owner, createIfMissing: true, Ct);

        var sealedValue = key.Seal("Grace Hopper, 1 Navy Yard")!;

        sealedValue.ShouldStartWith("pd:v1:");
        sealedValue.ShouldNotContain("Grace");
        key.Seal("Grace Hopper, 1 Navy Yard").ShouldNotBe(sealedValue, "every value gets a fresh nonce");
        var reopened = await Vault().OpenAsync(owner, createIfMissing: false, Ct);
        reopened.Unseal(sealedValue).ShouldBe("Grace Hopper, 1 Navy Yard");
        key.Seal(null).ShouldBeNull();
    }

    [Fact]
    public async Task A_value_sealed_for_one_owner_does_not_open_with_another_owner_s_key_nor_once_altered()
    {
        var vault = Vault();
        var alice = await vault.OpenAsync(NewCustomer(), createIfMissing: true, Ct);
        var bob = await vault.OpenAsync(NewCustomer(), createIfMissing: true, Ct);
        var sealedValue = alice.Seal("alice@example.com")!;

        Should.Throw<PersonalDataUnreadableException>(() => bob.Unseal(sealedValue));
        var bytes = Convert.FromBase64String(sealedValue["pd:v1:".Length..]);
        bytes[^1] ^= 1;
        Should.Throw<PersonalDataUnreadableException>(() => alice.Unseal("pd:v1:" + Convert.ToBase64String(bytes)));
        Should.Throw<PersonalDataUnreadableException>(() => alice.Unseal("alice@example.com"));
        Should.Throw<PersonalDataUnreadableException>(() => alice.Unseal(sealedValue.Replace("pd:v1:", "pd:v7:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_createIfMissing_an_owner_with_no_key_gets_none_and_seals_nothing()
    {
        var owner = NewCustomer();
        var key = await Vault().OpenAsync(owner, createIfMissing: false, Ct);

        key.IsErased.ShouldBeTrue();
        key.Seal("someone@example.com").ShouldBe(PersonalData.Erased);
        (await _containers.DataKeys.ReadManyItemsAsync<System.Text.Json.JsonElement>([(CosmosPersonalDataVault.DocumentIdFor(owner), new Microsoft.Azure.Cosmos.PartitionKey(CosmosPersonalDataVault.DocumentIdFor(owner)))])).Count.ShouldBe(0);
    }

    [Fact]
    public async Task After_a_data_key_rotation_old_values_still_open_and_new_values_use_the_new_version()
    {
        var vault = Vault();
        var owner = NewCustomer();
        var before = (await vault.OpenAsync(owner, createIfMissing: true, Ct)).Seal("+31 20 555 0101")!;

        (await vault.RotateAsync(owner, Ct)).ShouldBe(2);

        var key = await vault.OpenAsync(owner, createIfMissing: false, Ct);
        key.Unseal(before).ShouldBe("+31 20 555 0101");
        var after = key.Seal("+31 20 555 0101")!;
        after.ShouldStartWith("pd:v2:");
        key.Unseal(after).ShouldBe("+31 20 555 0101");
    }

    [Fact]
    public async Task After_a_KEK_rotation_keys_wrapped_by_the_old_version_open_and_rewrapping_retires_it()
    {
        var keys = new TestKeys("kek-" + Guid.NewGuid().ToString("N")[..6]);
        var owner = NewCustomer();
        var oldKek = keys.Current;
        var sealedValue = (await Vault(keys).OpenAsync(owner, createIfMissing: true, Ct)).Seal("Ada Lovelace")!;

        keys.Current = "kek-" + Guid.NewGuid().ToString("N")[..6];
        keys.Available.Add(keys.Current);
        (await Vault(keys).OpenAsync(owner, createIfMissing: false, Ct)).Unseal(sealedValue).ShouldBe("Ada Lovelace");

        await Vault(keys).RotateAsync(owner, Ct);
        keys.Available.Remove(oldKek);
        (await Vault(keys).OpenAsync(owner, createIfMissing: false, Ct)).Unseal(sealedValue).ShouldBe("Ada Lovelace");
    }

    [Fact]
    public async Task The_sweep_rewraps_every_key_still_wrapped_with_an_old_kek_so_the_old_version_can_be_disabled()
    {
        var keys = new TestKeys("kek-" + Guid.NewGuid().ToString("N")[..6]);
        var oldKek = keys.Current;
        var owners = new[] { NewCustomer(), DataOwner.GuestOrder("SS-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()), NewCustomer() };
        var sealedValues = new List<string>();
        foreach (var owner in owners) sealedValues.Add((await Vault(keys).OpenAsync(owner, createIfMissing: true, Ct)).Seal("Katherine Johnson")!);
        keys.Current = "kek-" + Guid.NewGuid().ToString("N")[..6];
        keys.Available.Add(keys.Current);

        // The other tests' keys in the shared database are wrapped with KEKs this key source does not have: skipped, not fatal.
        var (rewrapped, _) = await Vault(keys).RewrapWithCurrentKekAsync(10_000, Ct);
        var (again, _) = await Vault(keys).RewrapWithCurrentKekAsync(10_000, Ct);
        keys.Available.Remove(oldKek);

        rewrapped.ShouldBeGreaterThanOrEqualTo(owners.Length);
        again.ShouldBe(0, "nothing is left wrapped with the old KEK");
        for (var i = 0; i < owners.Length; i++)
        {
            (await Vault(keys).OpenAsync(owners[i], createIfMissing: false, Ct)).Unseal(sealedValues[i]).ShouldBe("Katherine Johnson");
            var id = CosmosPersonalDataVault.DocumentIdFor(owners[i]);
            var raw = await _containers.DataKeys.ReadItemAsync<System.Text.Json.JsonElement>(id, new Microsoft.Azure.Cosmos.PartitionKey(id));
            raw.Resource.GetProperty("keys").EnumerateArray().ShouldAllBe(k => k.GetProperty("kekVersion").GetString() == keys.Current);
            raw.Resource.GetProperty("keys").GetArrayLength().ShouldBe(1, "the data key itself did not change, so nothing sealed needs writing again");
        }
    }

    [Fact]
    public async Task Erasure_destroys_the_key_so_every_value_it_sealed_reads_as_erased_and_no_new_key_is_made()
    {
        var vault = Vault(cacheSeconds: 60);
        var owner = NewCustomer();
        var key = await vault.OpenAsync(owner, createIfMissing: true, Ct);
        var sealedValue = key.Seal("Alan Turing")!;

        (await vault.EraseAsync(owner, Ct)).ShouldBeTrue();

        foreach (var after in new[] { await vault.OpenAsync(owner, createIfMissing: true, Ct), await Vault().OpenAsync(owner, createIfMissing: true, Ct) })
        {
            after.IsErased.ShouldBeTrue();
            after.Unseal(sealedValue).ShouldBe(PersonalData.Erased);
            after.Seal("Alan Turing").ShouldBe(PersonalData.Erased);
        }
        (await vault.EraseAsync(owner, Ct)).ShouldBeFalse("erasing twice is harmless and says nothing was left");
        var tombstone = await _containers.DataKeys.ReadItemAsync<System.Text.Json.JsonElement>(CosmosPersonalDataVault.DocumentIdFor(owner),
            new Microsoft.Azure.Cosmos.PartitionKey(CosmosPersonalDataVault.DocumentIdFor(owner)));
        tombstone.Resource.GetProperty("keys").GetArrayLength().ShouldBe(0);
        tombstone.Resource.GetProperty("type").GetString().ShouldBe("erased-data-key");
    }

    [Fact]
    public async Task Another_instance_that_cached_the_key_reads_an_erased_owner_until_its_cache_runs_out_and_not_after()
    {
        var clock = new SteppedClock();
        var keys = fixture.Shop.Services.GetRequiredService<IPrivacyKeySource>();
        var otherInstance = new CosmosPersonalDataVault(_containers, new PrivacyKeyRing(keys), new PrivacySettings(null, TimeSpan.FromSeconds(60)), clock);
        var owner = NewCustomer();
        var sealedValue = (await otherInstance.OpenAsync(owner, createIfMissing: true, Ct)).Seal("Katherine Johnson")!;

        (await Vault().EraseAsync(owner, Ct)).ShouldBeTrue();

        // docs/security.md, "The key cache": the window an erasure leaves on instances that opened the key just before.
        clock.Advance(TimeSpan.FromSeconds(59));
        (await otherInstance.OpenAsync(owner, createIfMissing: false, Ct)).Unseal(sealedValue).ShouldBe("Katherine Johnson");
        clock.Advance(TimeSpan.FromSeconds(2));
        (await otherInstance.OpenAsync(owner, createIfMissing: false, Ct)).Unseal(sealedValue).ShouldBe(PersonalData.Erased);
    }

    [Fact]
    public async Task The_blind_index_ignores_case_and_spaces_of_an_email_and_keeps_kinds_and_values_apart()
    {
        var vault = Vault();
        var index = await vault.BlindIndexAsync(BlindIndexKind.Email, "Ada.Shopper@Example.com", Ct);

        (await vault.BlindIndexAsync(BlindIndexKind.Email, "  ada.shopper@example.COM ", Ct)).ShouldBe(index);
        (await vault.BlindIndexAsync(BlindIndexKind.Email, "ada.shopper2@example.com", Ct)).ShouldNotBe(index);
        (await vault.BlindIndexAsync(BlindIndexKind.Phone, "Ada.Shopper@Example.com", Ct)).ShouldNotBe(index);
        (await vault.BlindIndexAsync(BlindIndexKind.Phone, "+31 (20) 555-0101", Ct)).ShouldBe(await vault.BlindIndexAsync(BlindIndexKind.Phone, "+3120 5550101", Ct));
        index.ShouldNotContain("ada", Case.Insensitive);
        // Keyed: with another index key the same email gives another index, so nobody without the key can test a guess.
        (await Vault(new TestKeys("kek-x")).BlindIndexAsync(BlindIndexKind.Email, "ada.shopper@example.com", Ct)).ShouldNotBe(index);
    }
}
