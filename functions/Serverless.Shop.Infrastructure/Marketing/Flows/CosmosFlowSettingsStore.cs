using System.Net;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Flows;

/// <summary>
/// Each flow's settings as one document in <c>marketing-flows</c>: a read is one point read (each flow's run starts
/// with one), a save one conditional create or replace. Tests: FlowSettingsApiTests.
/// </summary>
public sealed class CosmosFlowSettingsStore(ShopContainers containers) : IFlowSettingsStore
{
    private Container Container => FlowsContainer.Of(containers);

    public static string DocumentId(string flowId) => "settings:" + flowId;

    public async Task<Versioned<FlowSettings>?> FindAsync(string flowId, CancellationToken ct)
    {
        var id = DocumentId(flowId);
        try
        {
            var response = await Container.ReadItemAsync<SettingsDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return new(response.Resource.Settings, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> SaveAsync(FlowSettings settings, string? expectedVersion, CancellationToken ct)
    {
        var id = DocumentId(settings.FlowId);
        var document = new SettingsDocument { Id = id, Type = SettingsDocument.Kind, FlowId = settings.FlowId, Settings = settings };
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false };
        try
        {
            return expectedVersion is null
                ? (await Container.CreateItemAsync(document, new PartitionKey(id), options, ct)).ETag
                : (await Container.ReplaceItemAsync(document, id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = expectedVersion, EnableContentResponseOnWrite = false }, ct)).ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict) || e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            throw new StaleVersionException("Flow settings");
        }
    }

    internal sealed record SettingsDocument
    {
        public const string Kind = "flow-settings";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string FlowId { get; init; }
        public required FlowSettings Settings { get; init; }
    }
}
