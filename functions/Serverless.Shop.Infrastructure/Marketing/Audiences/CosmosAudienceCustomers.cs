using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Loyalty;

namespace Serverless.Shop.Infrastructure.Marketing.Audiences;

/// <summary>
/// The customers an audience is drawn from, without opening any personal value: profiles (the <c>customers</c>
/// container) that carry an email blind index, in its order, a query page at a time, projected to the customer id, the
/// index and the consent history (both kept in plain on the profile); then their purchase histories' segments (the
/// <c>loyalty</c> container's <c>history:</c> documents) with one ReadMany per page. Reads the two capabilities' documents
/// by the fields their stores document (CosmosCustomerProfileStore, CosmosCustomerSummaryStore), and writes nothing.
/// Cosmos DB calls per page: 1 query page + 1 ReadMany. Tests: MarketingAudienceStoreTests.
/// </summary>
public sealed class CosmosAudienceCustomers(ShopContainers containers) : IAudienceCustomers
{
    public async IAsyncEnumerable<IReadOnlyList<AudienceCustomer>> PagesAsync(int pageSize, string? afterKey, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = new QueryDefinition(
            "SELECT c.customerId, c.emailIndex, c.consentHistory FROM c WHERE c.type = @type AND IS_DEFINED(c.emailIndex) AND NOT IS_NULL(c.emailIndex)"
            + (afterKey is null ? "" : " AND c.emailIndex > @after") + " ORDER BY c.emailIndex")
            .WithParameter("@type", "profile");
        if (afterKey is not null) query = query.WithParameter("@after", afterKey);
        await foreach (var page in AudienceContainer.PagesAsync<ProfileFacts>(containers.Customers, query, pageSize, ct))
        {
            var ids = page.Select(p => CosmosCustomerSummaryStore.DocumentId(p.CustomerId)).Select(id => (id, new PartitionKey(id))).ToList();
            var histories = (await containers.Loyalty.ReadManyItemsAsync<HistorySegments>(ids, cancellationToken: ct))
                .ToDictionary(h => h.CustomerId, h => h.Summary?.Segments ?? [], StringComparer.Ordinal);
            yield return [.. page.Select(p => new AudienceCustomer(p.EmailIndex, p.CustomerId, EmailConsent(p.ConsentHistory), histories.GetValueOrDefault(p.CustomerId) ?? []))];
        }
    }

    // The profile's rule (CustomerProfile.MarketingConsent): the channel's last change decides; never asked is no.
    private static bool EmailConsent(IReadOnlyList<ConsentChange>? history) =>
        history?.LastOrDefault(h => h.Channel == MarketingChannels.Email)?.Granted ?? false;

    internal sealed record ProfileFacts(string CustomerId, string EmailIndex, IReadOnlyList<ConsentChange>? ConsentHistory);

    internal sealed record HistorySegments(string CustomerId, SegmentsOnly? Summary);

    internal sealed record SegmentsOnly(IReadOnlyList<string>? Segments);
}
