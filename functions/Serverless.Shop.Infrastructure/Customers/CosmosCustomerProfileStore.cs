using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Customers;

/// <summary>
/// Profiles in the <c>customers</c> container (partition key /id), one document per customer:
/// <c>{ id: "profile:&lt;hash of the customer id&gt;", type: "profile", customerId, personal, emailIndex, phoneIndex,
/// nameIndex, language, defaultShippingAddressId, defaultBillingAddressId, consentHistory, createdAt, updatedAt }</c>.
/// <c>personal</c> is the name, email, phone, date of birth and address book as one JSON value sealed with the
/// customer's data key (<see cref="IPersonalDataVault"/>), so no personal value is stored plain; the three indexes are
/// keyed blind indexes support searches by. Reading a profile is one point read (and the customer's data key, which an
/// instance keeps a minute). The id is a hash because a token's subject may hold characters Cosmos DB ids may not.
/// Proof: CustomerProfilePrivacyTests.
/// </summary>
public sealed class CosmosCustomerProfileStore(ShopContainers containers, IPersonalDataVault vault) : ICustomerProfileStore
{
    private Container Customers => containers.Customers;

    public static string DocumentId(string customerId) =>
        "profile:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)));

    public async Task<Versioned<CustomerProfile>?> FindAsync(string customerId, CancellationToken ct)
    {
        var id = DocumentId(customerId);
        try
        {
            var response = await Customers.ReadItemAsync<ProfileDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return new(await OpenAsync(response.Resource, ct), response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> SaveAsync(CustomerProfile profile, string? expectedVersion, CancellationToken ct)
    {
        var document = await SealAsync(profile, ct);
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = expectedVersion };
        try
        {
            var response = expectedVersion is null
                ? await Customers.CreateItemAsync(document, new PartitionKey(document.Id), options, ct)
                : await Customers.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Id), options, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.Conflict) || e.Is(HttpStatusCode.NotFound))
        {
            throw new StaleVersionException("Profile");
        }
    }

    public async Task<IReadOnlyList<CustomerProfile>> SearchAsync(CustomerSearch search, int max, CancellationToken ct)
    {
        var (field, kind, value) = search switch
        {
            { Email: { } email } => ("emailIndex", BlindIndexKind.Email, email),
            { Phone: { } phone } => ("phoneIndex", BlindIndexKind.Phone, phone),
            { Name: { } name } => ("nameIndex", BlindIndexKind.Name, name),
            _ => throw new ArgumentException("Search by email, phone or name.", nameof(search)),
        };
        var index = await vault.BlindIndexAsync(kind, value, ct);
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.type = @type AND c.{field} = @index")
            .WithParameter("@type", ProfileDocument.Kind).WithParameter("@index", index);
        var found = new List<CustomerProfile>();
        using var feed = Customers.GetItemQueryIterator<ProfileDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (feed.HasMoreResults && found.Count < max)
            foreach (var document in await feed.ReadNextAsync(ct))
                found.Add(await OpenAsync(document, ct));
        return [.. found.Take(max)];
    }

    public async Task DeleteAsync(string customerId, CancellationToken ct)
    {
        var id = DocumentId(customerId);
        try
        {
            await Customers.DeleteItemAsync<ProfileDocument>(id, new PartitionKey(id), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
        }
    }

    private async Task<ProfileDocument> SealAsync(CustomerProfile profile, CancellationToken ct)
    {
        var key = await vault.OpenAsync(DataOwner.Customer(profile.CustomerId), createIfMissing: true, ct);
        var personal = new PersonalFields(profile.Name, profile.Email, profile.Phone, profile.DateOfBirth, profile.Addresses);
        // An erased customer's key seals nothing (the erased marker is written) and no index is kept for them.
        async Task<string?> Index(BlindIndexKind kind, string? value) =>
            key.IsErased || string.IsNullOrWhiteSpace(value) ? null : await vault.BlindIndexAsync(kind, value, ct);
        return new ProfileDocument
        {
            Id = DocumentId(profile.CustomerId),
            Type = ProfileDocument.Kind,
            CustomerId = profile.CustomerId,
            Personal = key.Seal(JsonSerializer.Serialize(personal, ShopJson.Options))!,
            EmailIndex = await Index(BlindIndexKind.Email, profile.Email),
            PhoneIndex = await Index(BlindIndexKind.Phone, profile.Phone),
            NameIndex = await Index(BlindIndexKind.Name, profile.Name),
            Language = profile.Language,
            DefaultShippingAddressId = profile.DefaultShippingAddressId,
            DefaultBillingAddressId = profile.DefaultBillingAddressId,
            ConsentHistory = profile.ConsentHistory,
            CreatedAt = profile.CreatedAt,
            UpdatedAt = profile.UpdatedAt,
        };
    }

    private async Task<CustomerProfile> OpenAsync(ProfileDocument document, CancellationToken ct)
    {
        var key = await vault.OpenAsync(DataOwner.Customer(document.CustomerId), createIfMissing: false, ct);
        var opened = key.Unseal(document.Personal);
        var personal = opened is null or PersonalData.Erased
            ? new PersonalFields(PersonalData.Erased, PersonalData.Erased, PersonalData.Erased, null, [])
            : JsonSerializer.Deserialize<PersonalFields>(opened, ShopJson.Options)!;
        return new CustomerProfile
        {
            CustomerId = document.CustomerId,
            Name = personal.Name,
            Email = personal.Email,
            Phone = personal.Phone,
            DateOfBirth = personal.DateOfBirth,
            Addresses = personal.Addresses ?? [],
            Language = document.Language,
            DefaultShippingAddressId = document.DefaultShippingAddressId,
            DefaultBillingAddressId = document.DefaultBillingAddressId,
            ConsentHistory = document.ConsentHistory ?? [],
            CreatedAt = document.CreatedAt,
            UpdatedAt = document.UpdatedAt,
        };
    }

    /// <summary>Everything personal in a profile: sealed together as one value.</summary>
    internal sealed record PersonalFields(string? Name, string? Email, string? Phone, string? DateOfBirth, IReadOnlyList<CustomerAddress>? Addresses);

    internal sealed record ProfileDocument
    {
        public const string Kind = "profile";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string CustomerId { get; init; }

        /// <summary><see cref="PersonalFields"/> as JSON, sealed with the customer's data key.</summary>
        public required string Personal { get; init; }

        public string? EmailIndex { get; init; }
        public string? PhoneIndex { get; init; }
        public string? NameIndex { get; init; }
        public string? Language { get; init; }
        public string? DefaultShippingAddressId { get; init; }
        public string? DefaultBillingAddressId { get; init; }
        public IReadOnlyList<ConsentChange>? ConsentHistory { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
        public required DateTimeOffset UpdatedAt { get; init; }
    }
}
