using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Loyalty;

/// <summary>
/// Purchase histories in the <c>loyalty</c> container beside the points ledgers (partition key /id): one document per
/// customer, <c>{ id: "history:&lt;hash of the customer id&gt;", type: "history", customerId, summary, nextReviewAt }</c>.
/// The loyalty container rather than a container of its own: the history belongs to the same capability, is keyed the
/// same way (one customer, one document, point reads), is erased with the points, and needs no more throughput or
/// Bicep. A separate document rather than a part of the points ledger, so the checkout's concurrent point holds and the
/// order events' history updates do not fight over one ETag. <c>nextReviewAt</c> (Unix seconds) is what the nightly
/// timer's one cross-partition query filters on. Cosmos DB calls: read = 1, write = 1, delete = 1, the timer's list = 1 query page.
/// </summary>
public sealed class CosmosCustomerSummaryStore(ShopContainers containers)
    : CustomerDocumentStore<CustomerSummary, CosmosCustomerSummaryStore.HistoryDocument>(containers, HistoryDocument.Kind, "nextReviewAt", "Purchase history"), ICustomerSummaryStore
{
    public static string DocumentId(string customerId) => IdFor(HistoryDocument.Kind, customerId);

    protected override CustomerSummary ValueOf(HistoryDocument document) => document.Summary;

    protected override HistoryDocument DocumentOf(CustomerSummary value) => HistoryDocument.From(value);

    protected override string IdOf(HistoryDocument document) => document.Id;

    public sealed record HistoryDocument
    {
        public const string Kind = "history";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string CustomerId { get; init; }
        public required CustomerSummary Summary { get; init; }

        /// <summary>Unix seconds of the next review; absent when time alone changes nothing.</summary>
        public long? NextReviewAt { get; init; }

        public static HistoryDocument From(CustomerSummary summary) => new()
        {
            Id = CosmosCustomerSummaryStore.DocumentId(summary.CustomerId),
            Type = Kind,
            CustomerId = summary.CustomerId,
            Summary = summary,
            NextReviewAt = summary.NextReviewAt?.ToUnixTimeSeconds(),
        };
    }
}
