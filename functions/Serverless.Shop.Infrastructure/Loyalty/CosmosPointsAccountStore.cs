using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Loyalty;

/// <summary>
/// Points accounts in the <c>loyalty</c> container (partition key /id): one document per customer,
/// <c>{ id: "points:&lt;hash of the customer id&gt;", type: "points", customerId, account, nextDueAt }</c>. A customer's
/// points change together (earning, reversing and spending one order's points touch one balance), so one document
/// written with its ETag makes every change atomic without a transaction the emulator cannot run; reading the points is
/// one point read. <c>nextDueAt</c> (Unix seconds of the next release or expiry) is what the timer's query filters on
/// (<see cref="CustomerDocumentStore{TValue, TDocument}"/>).
/// </summary>
public sealed class CosmosPointsAccountStore(ShopContainers containers)
    : CustomerDocumentStore<PointsAccount, CosmosPointsAccountStore.PointsDocument>(containers, PointsDocument.Kind, "nextDueAt", "Points account"), IPointsAccountStore
{
    public static string DocumentId(string customerId) => IdFor(PointsDocument.Kind, customerId);

    protected override PointsAccount ValueOf(PointsDocument document) => document.Account;

    protected override PointsDocument DocumentOf(PointsAccount value) => PointsDocument.From(value);

    protected override string IdOf(PointsDocument document) => document.Id;

    public sealed record PointsDocument
    {
        public const string Kind = "points";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string CustomerId { get; init; }
        public required PointsAccount Account { get; init; }

        /// <summary>Unix seconds of the next release or expiry; absent when nothing is scheduled.</summary>
        public long? NextDueAt { get; init; }

        public static PointsDocument From(PointsAccount account) => new()
        {
            Id = CosmosPointsAccountStore.DocumentId(account.CustomerId),
            Type = Kind,
            CustomerId = account.CustomerId,
            Account = account,
            NextDueAt = account.NextDueAt?.ToUnixTimeSeconds(),
        };
    }
}
