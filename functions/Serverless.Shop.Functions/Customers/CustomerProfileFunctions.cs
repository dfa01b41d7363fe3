using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Customers;

/// <summary>The signed-in customer's profile and address book (docs/customers.md). PUT and PATCH take an optional If-Match (412 when stale).</summary>
public sealed class CustomerProfileFunctions(ManageCustomerProfile profiles)
{
    [Function("GetMyProfile")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Customers", "The signed-in customer's profile (made from the sign-in's name and verified email on the first call), with its ETag", Response = typeof(CustomerProfile))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/profile")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await profiles.GetAsync(Customer(req), ct));

    [Function("ReplaceMyProfile")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Customers", "Set every profile field (a missing one is cleared; marketing consent changes only for the channels given). The email can only be the verified one (403 otherwise)",
        Request = typeof(ProfileInput), Response = typeof(CustomerProfile))]
    public async Task<IActionResult> Replace([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/profile")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await profiles.UpdateAsync(Customer(req), await req.ReadJsonAsync<ProfileInput>(), replace: true, req.IfMatch(), ct));

    [Function("UpdateMyProfile")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Customers", "Change the profile fields given (name, phone, language, dateOfBirth, marketingConsent per channel with consentSource, default address ids); the others stay",
        Request = typeof(ProfileInput), Response = typeof(CustomerProfile))]
    public async Task<IActionResult> Update([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "me/profile")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await profiles.UpdateAsync(Customer(req), await req.ReadJsonAsync<ProfileInput>(), replace: false, req.IfMatch(), ct));

    [Function("GetMyAddresses")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Customers", "The signed-in customer's address book and its default shipping and billing addresses", Response = typeof(AddressBook))]
    public async Task<IActionResult> GetAddresses([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/addresses")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await profiles.GetAddressesAsync(Customer(req), ct));

    [Function("AddMyAddress")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Customers", $"Add an address to the book (at most 20; the first becomes both defaults). 201 with the address book; Location names the new address",
        Request = typeof(AddressInput), Response = typeof(AddressBook), SuccessStatus = 201)]
    public async Task<IActionResult> AddAddress([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/addresses")] HttpRequest req, CancellationToken ct)
    {
        var (book, id) = await profiles.AddAddressAsync(Customer(req), await req.ReadJsonAsync<AddressInput>(), req.IfMatch(), ct);
        return Api.Created($"/api/me/addresses/{id}", book);
    }

    [Function("ReplaceMyAddress")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Customers", "Replace an address of the book, keeping its id (404 for an id not in the book)", Request = typeof(AddressInput), Response = typeof(AddressBook))]
    public async Task<IActionResult> ReplaceAddress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/addresses/{addressId}")] HttpRequest req, string addressId, CancellationToken ct) =>
        Api.Ok(await profiles.ReplaceAddressAsync(Customer(req), addressId, await req.ReadJsonAsync<AddressInput>(), req.IfMatch(), ct));

    [Function("RemoveMyAddress")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Customers", "Remove an address from the book; a default it was is left unset (404 for an id not in the book)", Response = typeof(AddressBook))]
    public async Task<IActionResult> RemoveAddress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "me/addresses/{addressId}")] HttpRequest req, string addressId, CancellationToken ct) =>
        Api.Ok(await profiles.RemoveAddressAsync(Customer(req), addressId, req.IfMatch(), ct));

    /// <summary>The customer as their token says: the name and verified email count only from the customer authority.</summary>
    public static SignedInCustomer Customer(HttpRequest req)
    {
        var user = req.HttpContext.User;
        var fromCustomerAuthority = user.HasClaim(RequestAuthenticator.CustomerAuthorityClaim, "true");
        return new SignedInCustomer(req.Actor().Id, CustomerClaims.VerifiedEmail(user), fromCustomerAuthority ? user.FindFirst("name")?.Value : null);
    }
}

/// <summary>Support and admins finding customers and seeing one whole (docs/customers.md).</summary>
public sealed class CustomerSupportFunctions(SupportCustomers customers)
{
    [Function("SearchCustomers")]
    [RequiresRole(ShopRoles.Support, ShopRoles.Admin)]
    [ApiDoc("Customers", "Find customers by exactly one of: email, phone (international form), name (full name; case, accents and spacing ignored) or orderNumber. Up to 50 matches",
        Response = typeof(PageBody<CustomerMatch>), Query = ["email: the verified email", "phone: +31 20 123 4567", "name: the full name", "orderNumber: SS-XXXX-XXXX"])]
    public async Task<IActionResult> Search([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers")] HttpRequest req, CancellationToken ct)
    {
        var input = new CustomerSearchInput(req.Query("email"), req.Query("phone"), req.Query("name"), req.Query("orderNumber"));
        return Api.Page(new Page<CustomerMatch>(await customers.SearchAsync(input, ct), null));
    }

    [Function("GetCustomer")]
    [RequiresRole(ShopRoles.Support, ShopRoles.Admin)]
    [ApiDoc("Customers", "One customer: the profile, the 20 most recent orders, points, and the sections other capabilities add. 404 when the shop knows nothing of them", Response = typeof(CustomerOverview))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}")] HttpRequest req, string customerId, CancellationToken ct) =>
        Api.Ok(await customers.GetAsync(customerId, ct));
}
