using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>Sets a flow up through the flows API as a marketer does: read it for its ETag, then put the settings.</summary>
internal sealed class FlowClient(LocalShopFixture fixture)
{
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    /// <summary>Puts <paramref name="settings"/> (the request body of PUT /api/marketing/flows/{flowId}); fails the test unless it is taken.</summary>
    public async Task<JsonElement> SetAsync(string flowId, object settings)
    {
        using var read = await _marketer.GetAsync($"api/marketing/flows/{flowId}");
        read.StatusCode.ShouldBe(HttpStatusCode.OK, await read.Content.ReadAsStringAsync());
        using var put = await _marketer.PutJsonAsync($"api/marketing/flows/{flowId}", settings, read.Headers.ETag!.Tag);
        var body = await put.JsonAsync();
        put.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>Switches the flow on with the steps it has (its defaults when never set up).</summary>
    public Task<JsonElement> SwitchOnAsync(string flowId) => SetAsync(flowId, new { enabled = true });
}
