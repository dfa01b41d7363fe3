using System.Globalization;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.Marketing.Flows;

public sealed record FlowMessageInput(ContentInput? Content, ProductsInput? Products, bool? PersonalOffer, int? Recommendations);

/// <summary>One step as a marketer sends it: its delay after the flow's trigger, in hours, and (for a flow whose email is editable) its message.</summary>
public sealed record FlowStepInput(double? DelayHours, FlowMessageInput? Message);

/// <summary>
/// What a marketer sends to set a flow up: <c>enabled</c> (required), and optionally <c>steps</c> and <c>segments</c>;
/// what is left out stays as it is. A step without a message keeps the message of the step at its place.
/// </summary>
public sealed record FlowSettingsInput(bool? Enabled, IReadOnlyList<FlowStepInput?>? Steps, IReadOnlyList<string?>? Segments);

public sealed record FlowStepView(double DelayHours, FlowMessage? Message);

/// <summary>What a flow's settings may be: its steps' count and delays, whether its message is editable, whether it watches segments.</summary>
public sealed record FlowLimits(int MaxSteps, double MinDelayHours, double MaxDelayHours, bool MessageEditable, bool UsesSegments);

/// <summary>A flow as the API shows it: what it is, how it is set up, and what it may be set to.</summary>
public sealed record FlowView(
    string FlowId, string Name, string Description, bool Enabled, IReadOnlyList<FlowStepView> Steps, IReadOnlyList<string> Segments,
    FlowLimits Limits, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>
/// The automated flows as marketers run them (docs/marketing.md#automated-flows): list them, read one, switch it on or
/// off and set its delays, messages and segments. A message is checked as a campaign's is: it must parse and render for
/// the sample readers, so a broken template is a 400 here and never found at send. Tests: FlowApiTests.
/// </summary>
public sealed class ManageFlows(FlowSettingsReader flows, IFlowSettingsStore store, LoyaltySettings loyalty, StorefrontSite storefront, TimeProvider clock)
{
    public async Task<IReadOnlyList<FlowView>> ListAsync(CancellationToken ct)
    {
        var views = new List<FlowView>();
        foreach (var definition in flows.Definitions.OrderBy(d => d.Name, StringComparer.Ordinal))
            views.Add(View(definition, (await store.FindAsync(definition.FlowId, ct))?.Value ?? definition.Defaults));
        return views;
    }

    /// <exception cref="ResourceNotFoundException">No flow has that id.</exception>
    public async Task<Versioned<FlowView>> GetAsync(string flowId, CancellationToken ct)
    {
        var definition = DefinitionOf(flowId);
        var saved = await store.FindAsync(flowId, ct);
        return new(View(definition, saved?.Value ?? definition.Defaults), saved?.Version ?? NeverSaved);
    }

    /// <summary>
    /// Replaces the flow's settings. A flow set up before needs its ETag in If-Match; one never set up takes none (or
    /// <see cref="NeverSaved"/>), so two marketers setting it up at once do not overwrite each other.
    /// </summary>
    public async Task<Versioned<FlowView>> UpdateAsync(string flowId, FlowSettingsInput input, string? ifMatch, Actor actor, CancellationToken ct)
    {
        var definition = DefinitionOf(flowId);
        var saved = await store.FindAsync(flowId, ct);
        if (saved is not null && ifMatch is null) throw new VersionRequiredException();
        if (ifMatch is not null && ifMatch != (saved?.Version ?? NeverSaved)) throw new StaleVersionException("Flow settings");
        var current = saved?.Value ?? definition.Defaults;

        var v = new Validator();
        v.Required(input.Enabled, "enabled");
        var steps = CheckSteps(definition, current, input.Steps, v);
        var segments = CheckSegments(definition, current, input.Segments, input.Enabled == true, v);
        v.ThrowIfInvalid();
        if (input.Enabled == true) _ = storefront.Settings; // every flow's links go to the storefront: not configured, 503 naming the setting, and nothing saved

        var settings = new FlowSettings
        {
            FlowId = flowId, Enabled = input.Enabled!.Value, Steps = steps, Segments = segments,
            UpdatedAt = clock.GetUtcNow(), UpdatedBy = actor.Id,
        };
        var version = await store.SaveAsync(settings, saved?.Version, ct);
        return new(View(definition, settings), version);
    }

    /// <summary>The ETag of a flow nobody set up yet (its defaults).</summary>
    public const string NeverSaved = "\"defaults\"";

    private FlowDefinition DefinitionOf(string flowId) =>
        flows.Definition(flowId) ?? throw new ResourceNotFoundException("Flow", flowId);

    private static List<FlowStep> CheckSteps(FlowDefinition definition, FlowSettings current, IReadOnlyList<FlowStepInput?>? input, Validator v)
    {
        if (input is null) return [.. current.Steps];
        var hours = (double h) => h.ToString("0.##", CultureInfo.InvariantCulture);
        if (!v.Check(input.Count is > 0 && input.Count <= definition.MaxSteps, "steps", $"must hold 1 to {definition.MaxSteps} steps."))
            return [];

        var steps = new List<FlowStep>();
        TimeSpan? previous = null;
        for (var i = 0; i < input.Count; i++)
        {
            var field = $"steps[{i}]";
            if (!v.Required(input[i], field)) continue;
            var step = input[i]!;
            TimeSpan delay = default;
            if (v.Required(step.DelayHours, $"{field}.delayHours"))
            {
                var h = step.DelayHours!.Value;
                var ok = v.Check(double.IsFinite(h) && h >= definition.MinDelay.TotalHours && h <= definition.MaxDelay.TotalHours, $"{field}.delayHours",
                    $"must be from {hours(definition.MinDelay.TotalHours)} to {hours(definition.MaxDelay.TotalHours)} hours.");
                if (ok)
                {
                    delay = TimeSpan.FromHours(h);
                    v.Check(previous is null || delay > previous, $"{field}.delayHours",
                        "must be later than the step before: every delay counts from the flow's trigger.");
                    previous = delay;
                }
            }

            FlowMessage? message = null;
            if (!definition.MessageEditable)
                v.Check(step.Message is null, $"{field}.message", $"cannot be set: the {definition.Name.ToLowerInvariant()} email is built in.");
            else if (step.Message is null)
                message = MessageAt(current.Steps, i) ?? MessageAt(definition.DefaultSteps, i) ?? definition.DefaultSteps[^1].Message;
            else
                message = CheckMessage(definition, step.Message, $"{field}.message", v);
            steps.Add(new FlowStep(delay, message));
        }
        return steps;
    }

    private static FlowMessage? MessageAt(IReadOnlyList<FlowStep> steps, int index) => index < steps.Count ? steps[index].Message : null;

    private static FlowMessage CheckMessage(FlowDefinition definition, FlowMessageInput input, string field, Validator v)
    {
        var (content, products, recommendations) = CampaignRules.CheckMessage(input.Content, input.Products, input.Recommendations, field, v);
        var message = new FlowMessage(content, products, input.PersonalOffer ?? false, recommendations);
        // A template that parses must also render, for a reader with a name, an offer and products and for one without.
        if (!v.HasErrorsUnder(field)) ManageCampaigns.CheckRenders(message.AsCampaign(definition.FlowId, definition.Name), [], v, field);
        return message;
    }

    private List<string> CheckSegments(FlowDefinition definition, FlowSettings current, IReadOnlyList<string?>? input, bool enabling, Validator v)
    {
        var segments = input is null ? [.. current.Segments] : input.Select(s => s?.Trim() ?? "").ToList();
        if (!definition.UsesSegments)
        {
            v.Check(input is null || input.Count == 0, "segments", $"cannot be set: the {definition.Name.ToLowerInvariant()} flow does not watch segments.");
            return [];
        }
        var known = loyalty.Segments.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < segments.Count; i++)
            v.Check(known.Contains(segments[i], StringComparer.Ordinal), $"segments[{i}]",
                $"is not a segment of this shop ({(known.Count == 0 ? "none is set in Loyalty:Segments" : string.Join(", ", known))}).");
        v.Check(!enabling || segments.Count > 0, "segments", "must name at least one segment while the flow is on: it mails the customers in them.");
        return [.. segments.Distinct(StringComparer.Ordinal)];
    }

    private static FlowView View(FlowDefinition definition, FlowSettings settings) => new(
        definition.FlowId, definition.Name, definition.Description, settings.Enabled,
        [.. settings.Steps.Select(s => new FlowStepView(Math.Round(s.Delay.TotalHours, 4), s.Message))], settings.Segments,
        new FlowLimits(definition.MaxSteps, definition.MinDelay.TotalHours, definition.MaxDelay.TotalHours, definition.MessageEditable, definition.UsesSegments),
        settings.UpdatedAt, settings.UpdatedBy);
}

/// <summary>A flow's results: what it sent, and what SendGrid's Event Webhook reported for its emails.</summary>
public sealed record FlowResults(
    string FlowId, bool Enabled, long Sent, long Delivered, long Opened, long Clicked, long Bounced, long Unsubscribed, long SpamReports);

/// <summary>Reads a flow's results from its counters (one document: every email of the flow carries its id as a custom arg).</summary>
public sealed class FlowResultsReport(FlowSettingsReader flows, IEmailEngagementReader engagement)
{
    /// <exception cref="ResourceNotFoundException">No flow has that id.</exception>
    public async Task<FlowResults> ReadAsync(string flowId, CancellationToken ct)
    {
        if (flows.Definition(flowId) is null) throw new ResourceNotFoundException("Flow", flowId);
        var settings = await flows.CurrentAsync(flowId, ct);
        var counted = await engagement.ReadAsync(flowId, ct);
        return new FlowResults(flowId, settings.Enabled, counted.Sent, counted.Delivered, counted.Opened, counted.Clicked, counted.Bounced, counted.Unsubscribed, counted.SpamReports);
    }
}
