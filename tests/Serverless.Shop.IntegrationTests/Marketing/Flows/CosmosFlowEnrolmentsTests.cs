using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Flows;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>The enrolments store on the Cosmos DB emulator, through the real SDK: enrol once, the due query, the claim on an ETag.</summary>
[Collection(FlowShopCollection.Name)]
public sealed class CosmosFlowEnrolmentsTests(FlowShopFixture fixture)
{
    private const string FlowId = "flow-store-test";

    private static FlowEnrolment New(DateTimeOffset enteredAt, string? spell = null) => new()
    {
        FlowId = FlowId, Key = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()),
        CustomerId = "cust_" + Guid.NewGuid().ToString("N")[..12], EnteredAt = enteredAt, Spell = spell,
    };

    private async Task<Versioned<FlowEnrolment>> DueAsync(FlowEnrolment enrolment, params DateTimeOffset[] enteredBy)
    {
        await foreach (var due in fixture.Enrolments.ListDueAsync(FlowId, enteredBy, default))
            if (due.Value.Key == enrolment.Key) return due;
        throw new ShouldAssertException("The enrolment was not listed as due.");
    }

    private async Task<bool> IsDueAsync(FlowEnrolment enrolment, params DateTimeOffset[] enteredBy)
    {
        await foreach (var due in fixture.Enrolments.ListDueAsync(FlowId, enteredBy, default))
            if (due.Value.Key == enrolment.Key) return true;
        return false;
    }

    [Fact]
    public async Task Two_claims_on_one_version_one_wins()
    {
        var now = DateTimeOffset.UtcNow;
        var enrolment = New(now.AddHours(-1));
        (await fixture.Enrolments.EnrolAsync(enrolment, default)).ShouldBeTrue();
        var read = await DueAsync(enrolment, now);

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            fixture.Enrolments.TryUpdateAsync(read, read.Value with { StepsSent = 1, LastChangedAt = now }, default)));

        claims.Count(c => c).ShouldBe(1);
        var stored = (await fixture.Enrolments.ListByCustomerAsync(enrolment.CustomerId!, default)).ShouldHaveSingleItem();
        stored.StepsSent.ShouldBe(1);
        (await fixture.Enrolments.TryUpdateAsync(read, read.Value with { StepsSent = 2 }, default)).ShouldBeFalse("the version read is stale now");
    }

    [Fact]
    public async Task Enrolling_again_in_the_same_spell_is_refused_and_a_new_spell_is_a_new_enrolment()
    {
        var now = DateTimeOffset.UtcNow;
        var first = New(now, spell: "100");

        (await fixture.Enrolments.EnrolAsync(first, default)).ShouldBeTrue();
        (await fixture.Enrolments.EnrolAsync(first with { EnteredAt = now.AddDays(1) }, default)).ShouldBeFalse();
        (await fixture.Enrolments.EnrolAsync(first with { Spell = "200" }, default)).ShouldBeTrue();

        (await fixture.Enrolments.ListByCustomerAsync(first.CustomerId!, default)).Select(e => e.Spell).Order().ShouldBe(["100", "200"]);
    }

    [Fact]
    public async Task Lists_as_due_by_steps_sent_and_entry_time_and_only_while_active()
    {
        var now = DateTimeOffset.UtcNow;
        var enrolment = New(now.AddHours(-3));
        await fixture.Enrolments.EnrolAsync(enrolment, default);

        (await IsDueAsync(enrolment, now.AddHours(-4))).ShouldBeFalse("step 1 is due 4 hours after entry");
        (await IsDueAsync(enrolment, now.AddHours(-2))).ShouldBeTrue();

        var read = await DueAsync(enrolment, now);
        (await fixture.Enrolments.TryUpdateAsync(read, read.Value with { StepsSent = 1 }, default)).ShouldBeTrue();
        (await IsDueAsync(enrolment, now, now.AddHours(-4))).ShouldBeFalse("step 2 is due 4 hours after entry");
        (await IsDueAsync(enrolment, now, now.AddHours(-2))).ShouldBeTrue();
        (await IsDueAsync(enrolment, now)).ShouldBeTrue("one step sent of a flow that has one step now: listed, to be closed");

        read = await DueAsync(enrolment, now, now);
        (await fixture.Enrolments.TryUpdateAsync(read, read.Value with { Status = EnrolmentStatus.Stopped, StopReason = "test" }, default)).ShouldBeTrue();
        (await IsDueAsync(enrolment, now, now)).ShouldBeFalse("a stopped enrolment is never due");
        var stored = (await fixture.Enrolments.ListByCustomerAsync(enrolment.CustomerId!, default)).ShouldHaveSingleItem();
        (stored.Status, stored.StopReason).ShouldBe((EnrolmentStatus.Stopped, "test"));
    }

    [Fact]
    public async Task Erasure_deletes_the_customer_s_enrolments_only()
    {
        var mine = New(DateTimeOffset.UtcNow);
        var theirs = New(DateTimeOffset.UtcNow);
        await fixture.Enrolments.EnrolAsync(mine, default);
        await fixture.Enrolments.EnrolAsync(mine with { Spell = "2" }, default);
        await fixture.Enrolments.EnrolAsync(theirs, default);

        await fixture.Enrolments.DeleteByCustomerAsync(mine.CustomerId!, default);
        await fixture.Enrolments.DeleteByCustomerAsync(mine.CustomerId!, default);

        (await fixture.Enrolments.ListByCustomerAsync(mine.CustomerId!, default)).ShouldBeEmpty();
        (await fixture.Enrolments.ListByCustomerAsync(theirs.CustomerId!, default)).ShouldHaveSingleItem();
    }
}
