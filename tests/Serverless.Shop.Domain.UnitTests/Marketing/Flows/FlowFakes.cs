using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Marketing.Audiences;
using Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>Flow settings in memory, with the store's version rules: a create over an existing one, or a stale version, is refused.</summary>
internal sealed class InMemoryFlowSettingsStore : IFlowSettingsStore
{
    private readonly Dictionary<string, Versioned<FlowSettings>> _saved = new(StringComparer.Ordinal);
    private int _version;

    /// <summary>How many times a flow read its settings (a run reads them once).</summary>
    public int Reads { get; private set; }

    public Task<Versioned<FlowSettings>?> FindAsync(string flowId, CancellationToken ct)
    {
        Reads++;
        return Task.FromResult(_saved.GetValueOrDefault(flowId));
    }

    public Task<string> SaveAsync(FlowSettings settings, string? expectedVersion, CancellationToken ct)
    {
        var current = _saved.GetValueOrDefault(settings.FlowId);
        if (current?.Version != expectedVersion) throw new StaleVersionException("Flow settings");
        var version = $"\"v{++_version}\"";
        _saved[settings.FlowId] = new(settings, version);
        return Task.FromResult(version);
    }

    /// <summary>Puts the settings in place as a marketer's save would, whatever was there.</summary>
    public void Put(FlowSettings settings) => _saved[settings.FlowId] = new(settings, $"\"v{++_version}\"");
}

/// <summary>What a flow needs around it to send: the storefront's address, the campaign content source, counters.</summary>
internal static class FlowTestParts
{
    public static readonly StorefrontSite Storefront = new(new StorefrontSettings(new Uri("https://shop.example/"), "Test shop", new Uri("https://shop.example/api/")));

    public static FlowEmails Emails(IEmailSender sender, InMemoryCounters counters, InMemoryProductStore? products = null, FakePersonalization? personalization = null) =>
        new(new CampaignContentSource(products ?? new InMemoryProductStore(), personalization ?? new FakePersonalization()), new FakeUnsubscribeLinks(), sender, counters, Storefront);
}
