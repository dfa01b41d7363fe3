using System.Net;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>
/// Stopping the local host and starting it again on the same data directory (what a developer does with `dotnet run`)
/// carries on every checkout in flight from where it was: the orchestrations' history, queues and timers are in Azurite,
/// which keeps them on disk. The resume timer (ResumeInterruptedCheckouts) never runs here, so only the Durable
/// backend can be what finishes them.
/// </summary>
public sealed class DurableRestartTests : IDisposable
{
    private const string NeedsAuthentication = "4000002500003155";

    private readonly string _data = Directory.CreateTempSubdirectory("serverless-shop-restart-").FullName;

    [Fact]
    public async Task A_3d_secure_checkout_waiting_for_its_webhook_when_the_host_stops_is_paid_once_after_a_restart()
    {
        CheckoutShopper.Placed placed;
        await using (var first = await StartShopAsync(paymentActionMinutes: "10"))
        {
            var shopper = new CheckoutShopper(LocalShopFixture.For(first));
            var mug = await shopper.ProductInStockAsync(units: 2);
            placed = await shopper.PlaceAsync(await shopper.CartWithAsync(mug, 1), token: NeedsAuthentication);
            await shopper.AwaitingPaymentAsync(placed);
            (await shopper.Durable.GetInstanceAsync(placed.Number)).ShouldNotBeNull().RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Running);
        }

        await using var second = await StartShopAsync(paymentActionMinutes: "10");
        var again = new CheckoutShopper(LocalShopFixture.For(second));
        var cards = second.Services.GetRequiredService<LocalCardPaymentSimulator>();
        var payment = cards.Payments.Single(p => p.OrderId == placed.Number);

        // The shopper presses "authenticate" on the simulated bank's page, which posts the signed webhook to the shop.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = second.BaseAddress };
        var authenticated = await browser.PostAsync($"{LocalCardPaymentSimulator.AuthenticationPagePath}/{payment.Id}/authenticate", null);
        authenticated.StatusCode.ShouldBe(HttpStatusCode.Redirect, await authenticated.Content.ReadAsStringAsync());
        authenticated.Headers.Location!.ToString().ShouldContain("redirect_status=succeeded");

        await again.CompletedAsync(placed.Number);
        var order = await again.OrderAsync(placed);
        order.GetProperty("status").GetString().ShouldBe("processing");
        order.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("change").GetString() == "paid").ShouldBe(1);
        cards.Payments.Where(p => p.OrderId == placed.Number).ShouldHaveSingleItem().Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
    }

    [Fact]
    public async Task A_durable_timer_set_before_the_host_stops_fires_after_a_restart()
    {
        // Fifteen seconds to authenticate (Checkout:PaymentActionMinutes): the orchestration's durable timer is set when
        // it starts waiting, the host stops, and the timer comes due in the next host, which cancels the checkout.
        CheckoutShopper.Placed placed;
        string sku;
        await using (var first = await StartShopAsync(paymentActionMinutes: "0.25"))
        {
            var shopper = new CheckoutShopper(LocalShopFixture.For(first));
            var mug = await shopper.ProductInStockAsync(units: 2);
            sku = mug.Sku;
            placed = await shopper.PlaceAsync(await shopper.CartWithAsync(mug, 2), token: NeedsAuthentication);
            await shopper.AwaitingPaymentAsync(placed);
            (await shopper.StockAsync(sku)).GetProperty("available").GetInt32().ShouldBe(0);
        }

        await using var second = await StartShopAsync(paymentActionMinutes: "0.25");
        var again = new CheckoutShopper(LocalShopFixture.For(second));

        var outcome = (await again.FinishedAsync(placed.Number)).ReadOutputAs<CheckoutOutcome>()!;

        outcome.Result.ShouldBe(CheckoutResult.Cancelled);
        outcome.Reason!.ShouldContain("not completed in time");
        JsonElement order = await again.OrderAsync(placed);
        order.GetProperty("status").GetString().ShouldBe("cancelled");
        (await again.StockAsync(sku)).GetProperty("available").GetInt32().ShouldBe(2);
        second.Services.GetRequiredService<LocalCardPaymentSimulator>().Payments.Single(p => p.OrderId == placed.Number).Status.ShouldBe(SimulatedPaymentStatus.Canceled);
    }

    private Task<LocalShop> StartShopAsync(string paymentActionMinutes) =>
        LocalShop.StartAsync(new LocalShopOptions(RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory))
        {
            Port = 0,
            DataDirectory = _data,
            SeedDemoCatalog = false,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
            // No resume timer: what carries the checkout over the restart must be the Durable backend alone.
            RunTimersOnSchedule = false,
            Settings = new Dictionary<string, string?> { ["Checkout:PaymentActionMinutes"] = paymentActionMinutes },
        }, NullLogger.Instance, CancellationToken.None);

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); }
        catch (IOException) { } // an emulator still closing its files; the folder is in the temp directory
    }
}
