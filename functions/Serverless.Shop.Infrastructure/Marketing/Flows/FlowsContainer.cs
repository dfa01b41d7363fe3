using Microsoft.Azure.Cosmos;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Flows;

/// <summary>
/// The <c>marketing-flows</c> container (partition key /id, TTL on and set per document): one settings document per
/// flow <c>{ id: "settings:&lt;flowId&gt;", type: "flow-settings", flowId, settings }</c>, and the documents each flow keeps
/// about the people in it (docs/marketing.md#automated-flows). Every document is its own partition, so a claim on one
/// is a conditional write on one item.
/// </summary>
internal static class FlowsContainer
{
    public const string Name = "marketing-flows";

    /// <summary>The container, from the shop's database (taken from a container every deployment has).</summary>
    public static Container Of(ShopContainers containers) => containers.DataKeys.Database.GetContainer(Name);
}
