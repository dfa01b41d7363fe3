using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Audiences;

/// <summary>
/// The <c>marketing-audiences</c> container (partition key /id): newsletter subscriptions
/// <c>{ id: "subscriber:&lt;key in hex&gt;", type: "subscriber", key, email (sealed), dataOwnerId, status, ... }</c>,
/// suppression entries <c>{ id: "suppression:&lt;key in hex&gt;", type: "suppression", key, email (sealed, or absent),
/// dataOwnerId, customerId, reasons }</c> and per-campaign engagement counters <c>{ id: "engagement:&lt;hash&gt;",
/// type: "engagement", campaignId, delivered, opened, ... }</c>. The key (an address's blind index) names the documents,
/// so finding an address's subscription or suppression is one point read, and a page of recipients is checked against
/// the suppression list with one ReadMany.
/// </summary>
internal static class AudienceContainer
{
    public const string Name = "marketing-audiences";

    /// <summary>The container, from the shop's database (taken from a container every deployment has).</summary>
    public static Container Of(ShopContainers containers) => containers.DataKeys.Database.GetContainer(Name);

    public static string SubscriberId(string key) => "subscriber:" + MarketingContacts.IdOf(key);

    public static string SuppressionId(string key) => "suppression:" + MarketingContacts.IdOf(key);

    /// <summary>Every page of a query, each as a list, until the feed ends.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<T>> PagesAsync<T>(Container container, QueryDefinition query, int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        using var feed = container.GetItemQueryIterator<T>(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize });
        while (feed.HasMoreResults)
        {
            var page = await feed.ReadNextAsync(ct);
            if (page.Count > 0) yield return [.. page];
        }
    }

    public static async Task<IReadOnlyList<T>> AllAsync<T>(Container container, QueryDefinition query, CancellationToken ct)
    {
        var all = new List<T>();
        await foreach (var page in PagesAsync<T>(container, query, 100, ct)) all.AddRange(page);
        return all;
    }
}
