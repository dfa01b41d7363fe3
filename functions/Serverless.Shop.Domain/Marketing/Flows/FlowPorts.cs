using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// What one step of a flow sends: a campaign's templates and blocks (docs/marketing.md#campaigns), without an audience
/// or a schedule: the flow decides who gets it and when. Rendered by <see cref="FlowEmails"/>.
/// </summary>
public sealed record FlowMessage(CampaignContent Content, ProductsBlock Products, bool PersonalOffer, int Recommendations)
{
    /// <summary>The message as a campaign named after the flow, for <see cref="CampaignTemplates"/> and <see cref="CampaignContentSource"/>.</summary>
    public Campaign AsCampaign(string flowId, string name) => new()
    {
        Id = flowId,
        Name = name,
        Audience = new AudienceSpec([], false),
        Content = Content,
        Products = Products,
        PersonalOffer = PersonalOffer,
        Recommendations = Recommendations,
        Status = CampaignStatus.Draft,
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        UpdatedBy = flowId,
    };
}

/// <summary>
/// One email of a flow: due <see cref="Delay"/> after the flow's trigger (a confirmed sign-up, a cart's last change, a
/// customer falling into the segment ...), so the delays of a flow's steps rise. <see cref="Message"/> is null for a flow
/// whose email is built in (the abandoned-cart reminder lists the cart).
/// </summary>
public sealed record FlowStep(TimeSpan Delay, FlowMessage? Message);

/// <summary>
/// A flow as the merchant set it up through the API (<c>PUT /api/marketing/flows/{flowId}</c>): on or off, its steps,
/// and for a flow over customers (win-back) the segments it watches. A flow nobody set up is off, with its
/// <see cref="FlowDefinition.DefaultSteps"/>.
/// </summary>
public sealed record FlowSettings
{
    public required string FlowId { get; init; }
    public required bool Enabled { get; init; }
    public required IReadOnlyList<FlowStep> Steps { get; init; }

    /// <summary>The segments (names from <c>Loyalty:Segments</c>) a flow over segment members watches; empty for the others.</summary>
    public IReadOnlyList<string> Segments { get; init; } = [];

    /// <summary>When the merchant last changed it, and who (null: never set up).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    public string? UpdatedBy { get; init; }

    /// <summary>When step <paramref name="number"/> (1-based) is due for a trigger at <paramref name="triggeredAt"/>.</summary>
    public DateTimeOffset DueAt(DateTimeOffset triggeredAt, int number) => triggeredAt + Steps[number - 1].Delay;
}

/// <summary>
/// What a flow is and which settings it takes; each flow registers one (as a singleton), and the flows API lists and
/// checks settings against them.
/// </summary>
/// <param name="FlowId">The flow's id in results, unsubscribe links, custom args and UTM tags (<c>flow-...</c>).</param>
/// <param name="MinDelay">The least delay of any step.</param>
/// <param name="MaxDelay">The most delay of any step.</param>
/// <param name="MessageEditable">False when the flow's email is built in: its steps carry no message.</param>
/// <param name="UsesSegments">True when the flow watches segments: at least one must be named while it is on.</param>
public sealed record FlowDefinition(
    string FlowId, string Name, string Description, int MaxSteps, TimeSpan MinDelay, TimeSpan MaxDelay,
    bool MessageEditable, bool UsesSegments, IReadOnlyList<FlowStep> DefaultSteps, IReadOnlyList<string> DefaultSegments)
{
    /// <summary>The flow as it is before anyone set it up: off, with its default steps.</summary>
    public FlowSettings Defaults => new() { FlowId = FlowId, Enabled = false, Steps = DefaultSteps, Segments = DefaultSegments };
}

/// <summary>The flows' settings as saved (container <c>marketing-flows</c>).</summary>
public interface IFlowSettingsStore
{
    Task<Versioned<FlowSettings>?> FindAsync(string flowId, CancellationToken ct);

    /// <summary>Saves the settings; with <paramref name="expectedVersion"/>, only over that version.</summary>
    /// <exception cref="StaleVersionException">The settings changed since <paramref name="expectedVersion"/> (or were created meanwhile when null).</exception>
    Task<string> SaveAsync(FlowSettings settings, string? expectedVersion, CancellationToken ct);
}

/// <summary>How a flow reads its settings at the start of a run: one Cosmos DB call, the defaults (off) when never set up.</summary>
public sealed class FlowSettingsReader(IFlowSettingsStore store, IEnumerable<FlowDefinition> definitions)
{
    private readonly Dictionary<string, FlowDefinition> _definitions = definitions.ToDictionary(d => d.FlowId, StringComparer.Ordinal);

    public IReadOnlyCollection<FlowDefinition> Definitions => _definitions.Values;

    public FlowDefinition? Definition(string flowId) => _definitions.GetValueOrDefault(flowId);

    public async Task<FlowSettings> CurrentAsync(string flowId, CancellationToken ct)
    {
        var definition = Definition(flowId) ?? throw new ArgumentException($"No flow '{flowId}' is registered.", nameof(flowId));
        return (await store.FindAsync(flowId, ct))?.Value ?? definition.Defaults;
    }
}
