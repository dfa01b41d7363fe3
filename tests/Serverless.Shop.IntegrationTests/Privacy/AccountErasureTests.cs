using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Functions;
using Serverless.Shop.IntegrationTests.Customers;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// A customer erases their own account (POST /api/me/erasure): the sign-in account goes (locally, at the sign-in
/// simulator; in Azure, in External ID through Graph), the data key is destroyed, and the raw documents hold nothing
/// readable about them. Refused while an order is open; in Azure without the settings to delete accounts, refused
/// before anything is written.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class AccountErasureTests(LocalShopFixture fixture)
{
    private readonly PrivacyShopper _shop = new(fixture);
    private readonly LocalCustomerAccounts _accounts = new(fixture);

    private static Task<HttpResponseMessage> EraseMineAsync(HttpClient client, object body) => client.PostAsJsonAsync("api/me/erasure", body);

    [Fact]
    public async Task A_customer_erases_their_account_once_their_order_is_delivered_and_can_no_longer_sign_in_nor_be_read()
    {
        var person = TestPerson.New();
        var customer = _accounts.ClientWith(await _accounts.VerifiedCustomerTokenAsync(person.Email, person.Name));
        var number = await _shop.CustomerBuysAsync(customer, person);

        var whileOpen = await EraseMineAsync(customer, new { confirm = true });
        var problem = await ShouldBeProblem(whileOpen, HttpStatusCode.Conflict, "orders");
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain(number);
        (await _accounts.TokenAsync(person.Email)).StatusCode.ShouldBe(HttpStatusCode.OK, "nothing was erased");

        await _shop.DeliverAsync(customer, number);
        var erased = await EraseMineAsync(customer, new { confirm = true });
        var result = await erased.JsonAsync();

        erased.StatusCode.ShouldBe(HttpStatusCode.OK, result.ToString());
        result.GetProperty("keyDestroyed").GetBoolean().ShouldBeTrue();
        result.GetProperty("accountDeleted").GetBoolean().ShouldBeTrue();
        await ShouldBeProblem(await _accounts.TokenAsync(person.Email), HttpStatusCode.Unauthorized);
        var raw = await _shop.RawContainersAsync();
        foreach (var (container, text) in raw)
            foreach (var value in person.Values)
                text.ShouldNotContain(value, Case.Insensitive, $"{container} still holds {value}");
        (await _shop.StaffOrderAsync(number)).GetProperty("status").GetString().ShouldBe("delivered", "the books stay");
    }

    [Fact]
    public async Task Erasing_ones_own_account_needs_confirm_true_and_a_customer()
    {
        var customer = _shop.Customer(PrivacyShopper.NewCustomerId());

        await ShouldBeProblem(await EraseMineAsync(customer, new { }), HttpStatusCode.BadRequest, "confirm");
        await ShouldBeProblem(await EraseMineAsync(customer, new { confirm = false }), HttpStatusCode.BadRequest, "confirm");
        await ShouldBeProblem(await EraseMineAsync(fixture.Client(), new { confirm = true }), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await EraseMineAsync(_shop.Support, new { confirm = true }), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(null, null, "CustomerAuth:TenantId")]
    [InlineData("00000000-0000-4000-8000-0000000c1a00", null, "CustomerAuth:AccountsClientId")]
    public async Task The_function_app_that_cannot_delete_accounts_says_so_in_health_and_erases_nothing(string? tenant, string? client, string missing)
    {
        var person = TestPerson.New();
        var customerId = PrivacyShopper.NewCustomerId();
        var number = await _shop.CustomerBuysAsync(_shop.Customer(customerId), person);
        // The local host's settings (emulators and all) with the account settings as Azure would have them; the function
        // app's own registration, so without the local sign-in simulator.
        var configuration = new ConfigurationBuilder().AddConfiguration(fixture.Shop.Services.GetRequiredService<IConfiguration>())
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CustomerAuth:TenantId"] = tenant, ["CustomerAuth:AccountsClientId"] = client })
            .Build();
        await using var functionApp = new ServiceCollection().AddLogging().AddShop(configuration).BuildServiceProvider();

        var health = await functionApp.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "customer-accounts");
        var refused = await Should.ThrowAsync<NotConfiguredException>(() =>
            functionApp.GetRequiredService<ErasePersonalData>().EraseAsync(new ErasureInput(customerId, null), CancellationToken.None));

        health.Entries["customer-accounts"].Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["customer-accounts"].Description.ShouldNotBeNull().ShouldContain(missing);
        refused.Message.ShouldContain(missing);
        (await _shop.StaffOrderAsync(number)).GetProperty("email").GetString().ShouldBe(person.Email, "nothing was erased");
    }

    [Fact]
    public async Task The_function_app_with_the_account_settings_is_healthy()
    {
        var configuration = new ConfigurationBuilder().AddConfiguration(fixture.Shop.Services.GetRequiredService<IConfiguration>())
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CustomerAuth:TenantId"] = "00000000-0000-4000-8000-0000000c1a00", ["CustomerAuth:AccountsClientId"] = "00000000-0000-4000-8000-0000000acc00",
            })
            .Build();
        await using var functionApp = new ServiceCollection().AddLogging().AddShop(configuration).BuildServiceProvider();

        var health = await functionApp.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "customer-accounts");

        health.Entries["customer-accounts"].Status.ShouldBe(HealthStatus.Healthy);
        functionApp.GetRequiredService<Domain.Customers.ICustomerAccounts>().ShouldBeOfType<Infrastructure.Customers.EntraCustomerAccounts>();
    }
}
