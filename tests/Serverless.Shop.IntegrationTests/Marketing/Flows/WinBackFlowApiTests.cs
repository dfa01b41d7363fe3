using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.IntegrationTests.Loyalty;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>
/// Win-back through the local shop: a customer whose last order is older than the lapsed segment's 30 days (their
/// purchase history moved back, as a month passing would, and the nightly review run) gets the first email with their
/// personal offer; an order then stops the series; the enrolment is in their data export and erasure removes it.
/// </summary>
[Collection(FlowShopCollection.Name)]
public sealed class WinBackFlowApiTests(FlowShopFixture fixture)
{
    private const string WeMissYou = "We miss you";
    private readonly LoyaltyShopper _loyalty = new(fixture);

    [Fact]
    public async Task A_lapsed_customer_gets_the_win_back_with_their_offer_and_a_purchase_stops_the_series()
    {
        await fixture.SwitchOnAsync(WinBackFlow.Definition, FlowShopFixture.LapsedSegment);
        var email = $"lapsed-{Guid.NewGuid():N}@example.com";
        var (customerId, customer) = await fixture.ConsentedCustomerAsync(email, "Linus Lapsed");
        var (_, lamp) = await _loyalty.ProductInNewCategoryAsync();
        var first = await _loyalty.PaidOrderAsync(customerId, 600m, lamp.ProductId);
        var offer = (await HttpTestExtensions.EventuallyAsync(() => LoyaltyShopper.OffersAsync(customer.Http), o => o.GetArrayLength() > 0)).EnumerateArray().Single();
        var code = offer.GetProperty("code").GetString()!;

        await fixture.Shop.RunTimerAsync("RunWinBack");
        fixture.Mails(email, WinBackFlow.FlowId).ShouldBeEmpty("they ordered today: not lapsed");

        await LastOrderedAsync(customerId, TimeSpan.FromDays(40));
        await PastTheSecondOfAsync(first.CreatedAt);
        await fixture.Shop.RunTimerAsync("ReviewCustomerStandings");
        await fixture.Shop.RunTimerAsync("RunWinBack");

        var mail = fixture.Mails(email, WinBackFlow.FlowId).ShouldHaveSingleItem();
        mail.Header("Subject").ShouldBe($"{WeMissYou}, Linus");
        mail.Text.ShouldContain($"10% off your next order with the code {code}");
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
        var enrolment = await fixture.EnrolmentAsync(customerId, WinBackFlow.FlowId);
        (enrolment.StepsSent, enrolment.Status).ShouldBe((1, EnrolmentStatus.Active));

        // They buy again; five days on the second email would be due, but the series has stopped, and they are not lapsed.
        await _loyalty.PaidOrderAsync(customerId, 30m, lamp.ProductId);
        await LoyaltyShopper.HistoryWhenAsync(customer.Http, h => h.GetProperty("summary").GetProperty("orderCount").GetInt32() == 2);
        await fixture.EnteredEarlierAsync(enrolment, TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        await fixture.Shop.RunTimerAsync("RunWinBack");

        fixture.Mails(email, WinBackFlow.FlowId).Count.ShouldBe(1);
        var stopped = await fixture.EnrolmentAsync(customerId, WinBackFlow.FlowId);
        (stopped.Status, stopped.StopReason).ShouldBe((EnrolmentStatus.Stopped, WinBackFlow.StopReasons.Ordered));

        // Their data export lists the enrolment; erasure's clean-up removes it.
        var export = await fixture.Shop.Services.GetRequiredService<ExportPersonalData>().ExportAsync(customerId, default);
        export.Sections["marketingFlows"].ShouldBeAssignableTo<IEnumerable<FlowEnrolmentExport>>().ShouldNotBeNull()
            .Where(e => e.FlowId == WinBackFlow.FlowId).ShouldHaveSingleItem().Status.ShouldBe("stopped");
        foreach (var cleanup in fixture.Shop.Services.GetServices<IPersonalDataCleanup>().OfType<FlowPersonalData>()) await cleanup.CleanUpAsync(customerId, default);
        (await fixture.Enrolments.ListByCustomerAsync(customerId, default)).ShouldBeEmpty();
    }

    /// <summary>
    /// Waits out the second the order was placed in. An enrolment keeps its entry to the whole second, and an order placed
    /// in that second counts as placed since entering (the series stops for it); this order stands for one weeks old,
    /// which only its summary entry was moved back to be.
    /// </summary>
    private static async Task PastTheSecondOfAsync(DateTimeOffset placedAt)
    {
        var nextSecond = DateTimeOffset.FromUnixTimeSeconds(placedAt.ToUnixTimeSeconds() + 1);
        if (nextSecond - DateTimeOffset.UtcNow is { Ticks: > 0 } wait) await Task.Delay(wait);
    }

    /// <summary>The purchase history as it would be <paramref name="ago"/> after its orders: each paid that much earlier, due for review now.</summary>
    private async Task LastOrderedAsync(string customerId, TimeSpan ago)
    {
        var store = fixture.Shop.Services.GetRequiredService<ICustomerSummaryStore>();
        var current = (await store.FindAsync(customerId, default)).ShouldNotBeNull();
        var moved = current.Value with
        {
            Orders = [.. current.Value.Orders.Select(o => o with { PaidAt = o.PaidAt - ago })],
            NextReviewAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        };
        await store.SaveAsync(moved, current.Version, default);
    }
}
