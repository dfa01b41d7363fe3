using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// How marketers set flows up: off with the defaults until saved; delays within the flow's limits and rising; messages
/// that must parse and render (found at save); segments that exist; versions that protect a concurrent change.
/// </summary>
public sealed class ManageFlowsTests
{
    private static readonly Actor Marketer = new("marketer-1", [ShopRoles.Marketer]);
    private static readonly FlowMessage Hello = new(new CampaignContent("Hello {{ recipient.first_name }}", "<p>Hi</p>", "Hi"), ProductsBlock.None, false, 0);

    /// <summary>A flow with an editable message that watches segments, like win-back.</summary>
    private static readonly FlowDefinition Editable = new("flow-test", "Test", "A flow for tests.", MaxSteps: 3,
        MinDelay: TimeSpan.Zero, MaxDelay: TimeSpan.FromDays(30), MessageEditable: true, UsesSegments: true,
        DefaultSteps: [new FlowStep(TimeSpan.Zero, Hello), new FlowStep(TimeSpan.FromDays(2), Hello with { Content = Hello.Content with { Subject = "Second" } })],
        DefaultSegments: []);

    private readonly InMemoryFlowSettingsStore _store = new();
    private StorefrontSite _storefront = FlowTestParts.Storefront;

    private ManageFlows Flows => new(new FlowSettingsReader(_store, [RemindAbandonedCarts.Definition, Editable]), _store,
        new LoyaltySettings(1m, 365, 30) { Segments = [new SegmentRule("lapsed", SegmentRuleKind.InactiveDays, "90")] }, _storefront, TimeProvider.System);

    [Fact]
    public async Task A_flow_nobody_set_up_is_off_with_its_default_steps()
    {
        var flow = await Flows.GetAsync(RemindAbandonedCarts.FlowId, default);

        flow.Value.Enabled.ShouldBeFalse();
        flow.Value.Steps.Select(s => s.DelayHours).ShouldBe([1, 24]);
        flow.Version.ShouldBe(ManageFlows.NeverSaved);
        (await Flows.ListAsync(default)).Select(f => f.FlowId).ShouldBe([RemindAbandonedCarts.FlowId, "flow-test"]);
    }

    [Fact]
    public async Task Switching_a_flow_on_with_delays_saves_them_and_then_a_change_needs_the_new_version()
    {
        var saved = await Flows.UpdateAsync(RemindAbandonedCarts.FlowId, new(true, [new(0.5, null)], null), null, Marketer, default);

        saved.Value.Enabled.ShouldBeTrue();
        saved.Value.Steps.ShouldHaveSingleItem().DelayHours.ShouldBe(0.5);
        saved.Value.UpdatedBy.ShouldBe(Marketer.Id);
        (await new FlowSettingsReader(_store, [RemindAbandonedCarts.Definition]).CurrentAsync(RemindAbandonedCarts.FlowId, default)).Steps
            .ShouldHaveSingleItem().Delay.ShouldBe(TimeSpan.FromMinutes(30));

        await Should.ThrowAsync<VersionRequiredException>(() => Flows.UpdateAsync(RemindAbandonedCarts.FlowId, new(false, null, null), null, Marketer, default));
        await Should.ThrowAsync<StaleVersionException>(() => Flows.UpdateAsync(RemindAbandonedCarts.FlowId, new(false, null, null), ManageFlows.NeverSaved, Marketer, default));
        var off = await Flows.UpdateAsync(RemindAbandonedCarts.FlowId, new(false, null, null), saved.Version, Marketer, default);
        off.Value.Enabled.ShouldBeFalse();
        off.Value.Steps.ShouldHaveSingleItem("left out: the steps stay as they were").DelayHours.ShouldBe(0.5);
    }

    [Fact]
    public async Task Bad_steps_are_refused_each_under_its_own_field_and_nothing_is_saved()
    {
        var e = await Should.ThrowAsync<ValidationFailedException>(() => Flows.UpdateAsync(RemindAbandonedCarts.FlowId,
            new(null, [new(0.001, null), new(24, new FlowMessageInput(null, null, null, null)), new(2, null)], ["lapsed"]), null, Marketer, default));

        e.Errors.Keys.ShouldBe(["enabled", "steps", "segments"], ignoreOrder: true);
        e.Errors["segments"].ShouldHaveSingleItem().ShouldContain("does not watch segments");
        e = await Should.ThrowAsync<ValidationFailedException>(() => Flows.UpdateAsync(RemindAbandonedCarts.FlowId,
            new(true, [new(0.001, null), new(24, new FlowMessageInput(null, null, null, null))], ["lapsed"]), null, Marketer, default));

        e.Errors.Keys.ShouldBe(["steps[0].delayHours", "steps[1].message", "segments"], ignoreOrder: true);
        e.Errors["steps[1].message"].ShouldHaveSingleItem().ShouldContain("built in");
        e = await Should.ThrowAsync<ValidationFailedException>(() => Flows.UpdateAsync(RemindAbandonedCarts.FlowId,
            new(true, [new(24, null), new(24, null)], null), null, Marketer, default));
        e.Errors["steps[1].delayHours"].ShouldHaveSingleItem().ShouldContain("later than the step before");
        e = await Should.ThrowAsync<ValidationFailedException>(() => Flows.UpdateAsync(RemindAbandonedCarts.FlowId,
            new(true, [new(double.NaN, null), new(337, null)], null), null, Marketer, default));
        e.Errors.Keys.ShouldBe(["steps[0].delayHours", "steps[1].delayHours"], ignoreOrder: true);

        (await _store.FindAsync(RemindAbandonedCarts.FlowId, default)).ShouldBeNull();
    }

    [Fact]
    public async Task A_message_that_does_not_parse_or_render_is_refused_at_save_naming_the_step_and_template()
    {
        var e = await Should.ThrowAsync<ValidationFailedException>(() => Flows.UpdateAsync("flow-test", new(true,
        [
            new(0, new FlowMessageInput(new ContentInput("Hi {{ if }}", "<p>x</p>", "x"), null, null, null)),
            new(48, new FlowMessageInput(new ContentInput("Hi", "<p>{{ nobody.knows }}</p>", "x"), null, null, null)),
        ], ["lapsed"]), null, Marketer, default));

        e.Errors.Keys.ShouldBe(["steps[0].message.content.subject", "steps[1].message.content.html"], ignoreOrder: true);
        e.Errors["steps[0].message.content.subject"].ShouldHaveSingleItem().ShouldContain("does not parse");
        e.Errors["steps[1].message.content.html"].ShouldHaveSingleItem().ShouldContain("does not render");
    }

    [Fact]
    public async Task A_step_without_a_message_keeps_the_message_at_its_place_and_a_new_one_is_saved_as_sent()
    {
        var saved = await Flows.UpdateAsync("flow-test", new(true,
        [
            new(0, null),
            new(24, new FlowMessageInput(new ContentInput("Still there, {{ recipient.first_name }}?", "<p>{{ if offer }}{{ offer.code }}{{ end }}</p>", "Offer"), new ProductsInput(null, 3), true, 2)),
            new(72, null),
        ], [" lapsed "]), null, Marketer, default);

        saved.Value.Steps[0].Message.ShouldBe(Hello);
        var second = saved.Value.Steps[1].Message.ShouldNotBeNull();
        second.Content.ShouldBe(new CampaignContent("Still there, {{ recipient.first_name }}?", "<p>{{ if offer }}{{ offer.code }}{{ end }}</p>", "Offer"));
        (second.Products.ProductIds.Count, second.Products.Newest, second.PersonalOffer, second.Recommendations).ShouldBe((0, 3, true, 2));
        saved.Value.Steps[2].Message!.Content.Subject.ShouldBe("Second", "no third default: the last default message");
        saved.Value.Segments.ShouldBe(["lapsed"]);
    }

    [Fact]
    public async Task Segments_must_exist_and_a_flow_over_segments_needs_one_while_it_is_on()
    {
        var e = await Should.ThrowAsync<ValidationFailedException>(() => Flows.UpdateAsync("flow-test", new(true, null, ["lapsed", "vips"]), null, Marketer, default));
        e.Errors["segments[1]"].ShouldHaveSingleItem().ShouldContain("lapsed");

        e = await Should.ThrowAsync<ValidationFailedException>(() => Flows.UpdateAsync("flow-test", new(true, null, []), null, Marketer, default));
        e.Errors["segments"].ShouldHaveSingleItem().ShouldContain("at least one");

        (await Flows.UpdateAsync("flow-test", new(false, null, []), null, Marketer, default)).Value.Enabled.ShouldBeFalse("off, it may name none");
    }

    [Fact]
    public async Task An_unknown_flow_is_not_found_and_switching_on_without_a_storefront_address_saves_nothing()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Flows.GetAsync("flow-nope", default));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Flows.UpdateAsync("flow-nope", new(true, null, null), null, Marketer, default));

        _storefront = StorefrontSite.NotConfigured("Storefront:PublicBaseUrl is not set.");
        await Should.ThrowAsync<NotConfiguredException>(() => Flows.UpdateAsync(RemindAbandonedCarts.FlowId, new(true, null, null), null, Marketer, default));
        (await _store.FindAsync(RemindAbandonedCarts.FlowId, default)).ShouldBeNull();
    }
}
