using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Marketing.Flows;
using Serverless.Shop.IntegrationTests.Customers;
using Serverless.Shop.IntegrationTests.Marketing.Campaigns;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>
/// A local shop of its own for the flows over enrolments (switching a flow on changes what every test of a shop
/// receives), with a lapsed segment for win-back: <c>winback-lapsed</c>, no order in 30 days.
/// </summary>
public sealed class FlowShopFixture : LocalShopFixture
{
    public const string LapsedSegment = "winback-lapsed";

    protected override IReadOnlyDictionary<string, string?> OverriddenSettings => new Dictionary<string, string?>
    {
        ["Loyalty:Segments"] = $"{LapsedSegment}=inactiveDays:30",
    };

    /// <summary>Switches a flow on with the steps it has (its defaults when never set up) and these segments, through the flows API as a marketer does.</summary>
    public async Task SwitchOnAsync(FlowDefinition flow, params string[] segments) =>
        await new FlowClient(this).SetAsync(flow.FlowId, segments.Length == 0 ? new { enabled = true } : (object)new { enabled = true, segments });

    public IFlowEnrolments Enrolments => Shop.Services.GetRequiredService<IFlowEnrolments>();

    private Container FlowsContainer => Shop.Services.GetRequiredService<ShopContainers>().DataKeys.Database.GetContainer("marketing-flows");

    /// <summary>The customer's enrolment in the flow (there must be one).</summary>
    public async Task<FlowEnrolment> EnrolmentAsync(string customerId, string flowId) =>
        (await Enrolments.ListByCustomerAsync(customerId, CancellationToken.None)).Where(e => e.FlowId == flowId).ShouldHaveSingleItem();

    /// <summary>The enrolment of the address key in the flow (null: none), read as stored.</summary>
    public async Task<(int StepsSent, string Status, string? StopReason)?> StoredEnrolmentAsync(string flowId, string key)
    {
        var id = CosmosFlowEnrolments.DocumentId(flowId, key, null);
        try
        {
            var stored = (await FlowsContainer.ReadItemAsync<JsonObject>(id, new PartitionKey(id))).Resource;
            return (stored["stepsSent"]!.GetValue<int>(), stored["status"]!.GetValue<string>(), stored["stopReason"]?.GetValue<string>());
        }
        catch (CosmosException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Moves an enrolment's entry back by <paramref name="by"/>, as time passing would.</summary>
    public async Task EnteredEarlierAsync(FlowEnrolment enrolment, TimeSpan by)
    {
        var id = CosmosFlowEnrolments.DocumentId(enrolment.FlowId, enrolment.Key, enrolment.Spell);
        var stored = await FlowsContainer.ReadItemAsync<JsonObject>(id, new PartitionKey(id));
        stored.Resource["enteredAt"] = stored.Resource["enteredAt"]!.GetValue<long>() - (long)by.TotalSeconds;
        await FlowsContainer.ReplaceItemAsync(stored.Resource, id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = stored.ETag });
    }

    public IReadOnlyList<MailboxEmail> Mails(string to, string flowId) =>
        [.. Directory.Exists(Shop.MailboxDirectory)
            ? Directory.GetFiles(Shop.MailboxDirectory, "*.eml").Order(StringComparer.Ordinal).Select(MailboxEmail.Read).Where(e => e.To == to && e.Header("X-Campaign-Id") == flowId)
            : []];

    /// <summary>A customer who signed up through the local sign-in with this address (verified) and agreed to email marketing.</summary>
    public async Task<(string CustomerId, ProfileClient Client)> ConsentedCustomerAsync(string email, string name)
    {
        var (client, customerId) = await ProfileClient.SignUpAsync(this, email, name);
        var patch = await client.PatchAsync(new { marketingConsent = new { email = true } });
        patch.StatusCode.ShouldBe(HttpStatusCode.OK, await patch.Content.ReadAsStringAsync());
        return (customerId, client);
    }

    /// <summary>The newest email to <paramref name="to"/> whose text holds <paramref name="part"/>, waiting a little for it.</summary>
    public async Task<string> MailAsync(string to, string part)
    {
        for (var i = 0; i < 100; i++)
        {
            var mail = Directory.Exists(Shop.MailboxDirectory)
                ? Directory.GetFiles(Shop.MailboxDirectory, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllText)
                    .LastOrDefault(text => text.Contains($"To: {to}", StringComparison.Ordinal) && text.Contains(part, StringComparison.Ordinal))
                : null;
            if (mail is not null) return mail;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No email '{part}' to {to} in {Shop.MailboxDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class FlowShopCollection : ICollectionFixture<FlowShopFixture>
{
    public const string Name = "flow shop";
}
