using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Functions.Carts;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Customers;

public sealed class GuestDataFunctions(ClaimGuestData claim)
{
    [Function("ClaimGuestData")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Customers", "After sign-in: the guest cart (cartId, with its Cart-Token header) merges into the customer's cart, and guest orders placed with the customer's verified email become theirs. 403 without a verified email; repeating it changes nothing", Request = typeof(ClaimGuestDataInput), Response = typeof(GuestDataClaim))]
    public async Task<IActionResult> Claim([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/guest-data/claim")] HttpRequest req, CancellationToken ct)
    {
        var input = await req.ReadJsonAsync<ClaimGuestDataInput>();
        var cartToken = req.Headers.TryGetValue(CartFunctions.CartTokenHeader, out var token) && token.Count == 1 && !string.IsNullOrWhiteSpace(token[0]) ? token[0]!.Trim() : null;
        return Api.Ok(await claim.ClaimAsync(req.Actor(), CustomerClaims.VerifiedEmail(req.HttpContext.User), input, cartToken, ct));
    }
}
