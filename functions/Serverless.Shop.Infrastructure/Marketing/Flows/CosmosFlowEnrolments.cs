using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Flows;

/// <summary>
/// Flow enrolments in <c>marketing-flows</c>, one document each:
/// <c>{ id: "enrolment:&lt;flowId&gt;:&lt;key hex&gt;[:&lt;spell&gt;]", type: "flow-enrolment", flowId, key, spell, customerId,
/// enteredAt (Unix seconds), stepsSent, status, stopReason, lastChangedAt }</c>. No address: the key is its blind index.
/// Enrolling is one create (a 409 means enrolled already); the due ones are one cross-partition query on
/// <c>flowId</c>, <c>status</c>, <c>stepsSent</c> and <c>enteredAt</c>, read a page at a time; a claim is one patch
/// conditional on the document's ETag. The documents never expire (TTL unset): the welcome series is once in a life.
/// Tests: CosmosFlowEnrolmentsTests.
/// </summary>
public sealed class CosmosFlowEnrolments(ShopContainers containers) : IFlowEnrolments
{
    private const int PageSize = 100;

    private Container Container => FlowsContainer.Of(containers);

    public static string DocumentId(string flowId, string key, string? spell) =>
        $"enrolment:{flowId}:{MarketingContacts.IdOf(key)}" + (spell is null ? "" : ":" + spell);

    public async Task<bool> EnrolAsync(FlowEnrolment enrolment, CancellationToken ct)
    {
        var document = EnrolmentDocument.From(enrolment);
        try
        {
            await Container.CreateItemAsync(document, new PartitionKey(document.Id), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            return true;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            return false;
        }
    }

    public async IAsyncEnumerable<Versioned<FlowEnrolment>> ListDueAsync(string flowId, IReadOnlyList<DateTimeOffset> enteredBy, [EnumeratorCancellation] CancellationToken ct)
    {
        var windows = enteredBy.Select((_, i) => $"(c.stepsSent = {i} AND c.enteredAt <= @by{i})").Append("c.stepsSent >= @steps");
        var sql = $"SELECT * FROM c WHERE c.type = @type AND c.flowId = @flow AND c.status = @active AND ({string.Join(" OR ", windows)})";
        var query = new QueryDefinition(sql)
            .WithParameter("@type", EnrolmentDocument.Kind).WithParameter("@flow", flowId)
            .WithParameter("@active", StatusName(EnrolmentStatus.Active)).WithParameter("@steps", enteredBy.Count);
        for (var i = 0; i < enteredBy.Count; i++) query = query.WithParameter($"@by{i}", enteredBy[i].ToUnixTimeSeconds());

        using var pages = Container.GetItemQueryIterator<EnrolmentDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = PageSize });
        while (pages.HasMoreResults)
        {
            foreach (var document in await pages.ReadNextAsync(ct))
            {
                if (document.ETag is { } etag) yield return new(document.ToEnrolment(), etag);
            }
        }
    }

    public async Task<bool> TryUpdateAsync(Versioned<FlowEnrolment> current, FlowEnrolment next, CancellationToken ct)
    {
        var id = DocumentId(current.Value.FlowId, current.Value.Key, current.Value.Spell);
        var document = EnrolmentDocument.From(next);
        PatchOperation[] operations =
        [
            PatchOperation.Set("/stepsSent", document.StepsSent),
            PatchOperation.Set("/status", StatusName(document.Status)),
            PatchOperation.Set("/stopReason", document.StopReason),
            PatchOperation.Set("/lastChangedAt", document.LastChangedAt),
        ];
        try
        {
            await Container.PatchItemAsync<EnrolmentDocument>(id, new PartitionKey(id), operations,
                new PatchItemRequestOptions { IfMatchEtag = current.Version, EnableContentResponseOnWrite = false }, ct);
            return true;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<FlowEnrolment>> ListByCustomerAsync(string customerId, CancellationToken ct) =>
        [.. (await ByCustomerAsync(customerId, ct)).Select(d => d.ToEnrolment())];

    public async Task DeleteByCustomerAsync(string customerId, CancellationToken ct)
    {
        foreach (var document in await ByCustomerAsync(customerId, ct))
        {
            try
            {
                await Container.DeleteItemAsync<EnrolmentDocument>(document.Id, new PartitionKey(document.Id), cancellationToken: ct);
            }
            catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
            {
            }
        }
    }

    // As the serializer writes the enum (camelCase), which the due query compares with.
    private static string StatusName(EnrolmentStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    private async Task<List<EnrolmentDocument>> ByCustomerAsync(string customerId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.customerId = @customer")
            .WithParameter("@type", EnrolmentDocument.Kind).WithParameter("@customer", customerId);
        var found = new List<EnrolmentDocument>();
        using var pages = Container.GetItemQueryIterator<EnrolmentDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = PageSize });
        while (pages.HasMoreResults) found.AddRange(await pages.ReadNextAsync(ct));
        return found;
    }

    internal sealed record EnrolmentDocument
    {
        public const string Kind = "flow-enrolment";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string FlowId { get; init; }
        public required string Key { get; init; }
        public string? Spell { get; init; }
        public string? CustomerId { get; init; }

        /// <summary>Unix seconds, so the due query compares numbers.</summary>
        public required long EnteredAt { get; init; }

        public required int StepsSent { get; init; }
        public required EnrolmentStatus Status { get; init; }
        public string? StopReason { get; init; }
        public DateTimeOffset? LastChangedAt { get; init; }

        [System.Text.Json.Serialization.JsonPropertyName("_etag")]
        public string? ETag { get; init; }

        public static EnrolmentDocument From(FlowEnrolment e) => new()
        {
            Id = DocumentId(e.FlowId, e.Key, e.Spell), Type = Kind, FlowId = e.FlowId, Key = e.Key, Spell = e.Spell, CustomerId = e.CustomerId,
            EnteredAt = e.EnteredAt.ToUnixTimeSeconds(), StepsSent = e.StepsSent, Status = e.Status, StopReason = e.StopReason, LastChangedAt = e.LastChangedAt,
        };

        public FlowEnrolment ToEnrolment() => new()
        {
            FlowId = FlowId, Key = Key, Spell = Spell, CustomerId = CustomerId, EnteredAt = DateTimeOffset.FromUnixTimeSeconds(EnteredAt),
            StepsSent = StepsSent, Status = Status, StopReason = StopReason, LastChangedAt = LastChangedAt,
        };
    }
}
