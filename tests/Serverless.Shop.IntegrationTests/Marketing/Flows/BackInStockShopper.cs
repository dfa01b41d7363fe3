using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>What the back-in-stock tests do through the local shop: products without stock, requests, restocks, the flow's settings.</summary>
internal sealed class BackInStockShopper(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);
    private readonly FlowClient _flows = new(fixture);

    public HttpClient Anonymous { get; } = fixture.Client();

    public T Service<T>() where T : notnull => fixture.Shop.Services.GetRequiredService<T>();

    public sealed record Variant(string ProductId, string Slug, string Name, string Sku);

    /// <summary>An active product whose one variant has no stock (or <paramref name="units"/>).</summary>
    public async Task<Variant> ProductAsync(int units = 0, string status = "active")
    {
        var name = TestCatalog.Unique("Notify Lamp");
        var sku = TestCatalog.Unique("BIS").ToUpperInvariant();
        var (id, slug, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(name, 24.50m, sku, status));
        if (units > 0) await RestockAsync(sku, units);
        return new Variant(id, slug, name, sku);
    }

    /// <summary>Units arrive, booked by staff through the stock API.</summary>
    public async Task RestockAsync(string sku, int units)
    {
        var response = await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity = units, reason = "received" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
    }

    public Task<HttpResponseMessage> AskAsync(string productId, object body, HttpClient? client = null) =>
        (client ?? Anonymous).PostJsonAsync($"api/products/{productId}/back-in-stock", body);

    /// <summary>The requests stored for the SKU, as the flow reads them.</summary>
    public async Task<IReadOnlyList<BackInStockRequest>> StoredAsync(string sku)
    {
        var found = new List<BackInStockRequest>();
        await foreach (var page in Service<IBackInStockRequests>().PagesAsync(100, default))
            found.AddRange(page.Select(r => r.Value).Where(r => r.Sku == sku));
        return found;
    }

    /// <summary>Switches the flow on with this delay through the flows API, as a marketer does (the message stays as it is).</summary>
    public Task SwitchOnAsync(TimeSpan delay) =>
        _flows.SetAsync(NotifyBackInStock.FlowId, new { enabled = true, steps = new[] { new { delayHours = delay.TotalHours } } });

    public Task SwitchOffAsync() => _flows.SetAsync(NotifyBackInStock.FlowId, new { enabled = false });

    /// <summary>The flow on at no delay with the marketer's own message (through the flows API, which renders it before it takes it).</summary>
    public Task SwitchOnAsync(object message) =>
        _flows.SetAsync(NotifyBackInStock.FlowId, new { enabled = true, steps = new[] { new { delayHours = 0, message } } });

    /// <summary>The flow's message back to its default.</summary>
    public Task DefaultMessageAsync()
    {
        var content = NotifyBackInStock.DefaultMessage.Content;
        return SwitchOnAsync(new { content = new { subject = content.Subject, html = content.Html, text = content.Text } });
    }
}
