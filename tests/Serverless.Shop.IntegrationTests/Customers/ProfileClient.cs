using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>A signed-in customer using /api/me/profile and /api/me/addresses over HTTP.</summary>
public sealed class ProfileClient(HttpClient customer)
{
    public HttpClient Http { get; } = customer;

    /// <summary>Signs up through the local customer sign-in (verified email) and reads the profile once, so it exists.</summary>
    public static async Task<(ProfileClient Client, string CustomerId)> SignUpAsync(LocalShopFixture fixture, string email, string name = "Sam Shopper")
    {
        var accounts = new LocalCustomerAccounts(fixture);
        var client = new ProfileClient(accounts.ClientWith(await accounts.VerifiedCustomerTokenAsync(email, name)));
        var profile = await client.ProfileAsync();
        return (client, profile.GetProperty("customerId").GetString()!);
    }

    public async Task<JsonElement> ProfileAsync()
    {
        var response = await Http.GetAsync("api/me/profile");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body, options: ShopJson.Options);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PatchAsync(object body, string? ifMatch = null) => SendAsync(HttpMethod.Patch, "api/me/profile", body, ifMatch);

    public Task<HttpResponseMessage> PutAsync(object body, string? ifMatch = null) => SendAsync(HttpMethod.Put, "api/me/profile", body, ifMatch);

    public Task<HttpResponseMessage> AddAddressAsync(object address) => SendAsync(HttpMethod.Post, "api/me/addresses", address);

    /// <summary>Adds an address and returns its id (from Location).</summary>
    public async Task<string> AddedAddressIdAsync(object address)
    {
        var response = await AddAddressAsync(address);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, (await response.JsonAsync()).ToString());
        return response.Headers.Location!.ToString().Split('/').Last();
    }

    public static object Address(string name = "Sam Shopper", string line1 = "Damrak 1", string city = "Amsterdam", string postalCode = "1012 LG",
        string country = "NL", string? phone = null, bool? defaultShipping = null, bool? defaultBilling = null) =>
        new { name, line1, city, postalCode, country, phone, defaultShipping, defaultBilling };
}
