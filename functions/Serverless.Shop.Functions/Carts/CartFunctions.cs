using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Carts;

/// <summary>
/// The cart API. Anonymous shoppers open their cart with the Cart-Token header they got when creating it; signed-in
/// customers with their bearer token. These endpoints are public because a guest must be able to shop: the cart token
/// (or the customer's sign-in) is what guards each cart, checked by <see cref="CartAccess"/>.
/// </summary>
public sealed class CartFunctions(ManageCarts carts, CartCodes codes, CartCheckoutDetails details, MergeCarts merge)
{
    public const string CartTokenHeader = "Cart-Token";
    private const string OpenToAll = "none needed: a new cart holds nothing of anyone's; its token (or the customer's sign-in) guards it from then on";
    private const string CartToken = "the Cart-Token header of a guest cart, or the signed-in customer who owns the cart";

    [Function("CreateCart")]
    [PublicEndpoint(Guard = OpenToAll)]
    [ApiDoc("Carts", "Create a cart. Anonymous: 201 with a cartToken, shown only now (send it as Cart-Token later). A signed-in customer gets their active cart (200 if it exists)", Request = typeof(CreateCartInput), Response = typeof(CartView), SuccessStatus = 201)]
    public async Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts")] HttpRequest req, CancellationToken ct)
    {
        // The body is optional: an empty POST makes an empty cart.
        var input = req.ContentLength is 0 || (req.ContentLength is null && string.IsNullOrEmpty(req.ContentType)) ? null : await req.ReadJsonAsync<CreateCartInput>();
        var creation = await carts.CreateAsync(input, Access(req), ct);
        return creation.IsNew ? Api.Created($"/api/carts/{creation.Cart.Value.Id}", creation.Cart) : Api.Ok(creation.Cart);
    }

    [Function("GetCart")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "A cart with its price computed now (Cart-Token for anonymous carts)", Response = typeof(CartView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "carts/{cartId}")] HttpRequest req, string cartId, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await carts.GetAsync(cartId, access, ct)));

    [Function("GetMyCart")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Carts", "The signed-in customer's active cart (404 when they have none)", Response = typeof(CartView))]
    public async Task<IActionResult> GetMine([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/cart")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await carts.GetCustomerCartAsync(Access(req), ct));

    [Function("AddCartLine")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "Add units of a variant (productId and sku); a variant already in the cart gets more units. Checks stock. Send an Idempotency-Key to make retries safe", Request = typeof(AddCartLineInput), Response = typeof(CartView))]
    public Task<IActionResult> AddLine([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts/{cartId}/lines")] HttpRequest req, string cartId, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await carts.AddLineAsync(cartId, await req.ReadJsonAsync<AddCartLineInput>(), access, req.IfMatch(), ct)));

    [Function("UpdateCartLine")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "Set a line's quantity (0 removes it). Checks stock", Request = typeof(UpdateCartLineInput), Response = typeof(CartView))]
    public Task<IActionResult> UpdateLine([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "carts/{cartId}/lines/{lineId}")] HttpRequest req, string cartId, string lineId, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await carts.UpdateLineAsync(cartId, lineId, await req.ReadJsonAsync<UpdateCartLineInput>(), access, req.IfMatch(), ct)));

    [Function("RemoveCartLine")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "Remove a line", Response = typeof(CartView))]
    public Task<IActionResult> RemoveLine([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "carts/{cartId}/lines/{lineId}")] HttpRequest req, string cartId, string lineId, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await carts.RemoveLineAsync(cartId, lineId, access, req.IfMatch(), ct)));

    [Function("ClearCart")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "Remove every line (codes and ship-to stay)", Response = typeof(CartView))]
    public Task<IActionResult> Clear([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "carts/{cartId}/lines")] HttpRequest req, string cartId, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await carts.ClearAsync(cartId, access, req.IfMatch(), ct)));

    [Function("AddCartCode")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "Apply a discount code (unknown codes are refused; a known code that does not apply stays, with the reason in pricing.rejectedCodes)", Request = typeof(AddCartCodeInput), Response = typeof(CartView))]
    public Task<IActionResult> AddCode([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts/{cartId}/codes")] HttpRequest req, string cartId, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await codes.AddCodeAsync(cartId, await req.ReadJsonAsync<AddCartCodeInput>(), access, req.IfMatch(), ct)));

    [Function("RemoveCartCode")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "Remove a discount code", Response = typeof(CartView))]
    public Task<IActionResult> RemoveCode([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "carts/{cartId}/codes/{code}")] HttpRequest req, string cartId, string code, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await codes.RemoveCodeAsync(cartId, code, access, req.IfMatch(), ct)));

    [Function("SetCartShipTo")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "Where the goods go (country, optional region), so the cart shows the right tax", Request = typeof(ShipToInput), Response = typeof(CartView))]
    public Task<IActionResult> SetShipTo([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "carts/{cartId}/ship-to")] HttpRequest req, string cartId, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await details.SetShipToAsync(cartId, await req.ReadJsonAsync<ShipToInput>(), access, req.IfMatch(), ct)));

    [Function("RecordCartAttribution")]
    [PublicEndpoint(Guard = CartToken)]
    [ApiDoc("Carts", "Record the visit that led to the cart: UTM parameters, gclid, fbclid, landing page and when it was captured. The first touch is kept, a later one becomes the last touch (docs/marketing.md)", Request = typeof(Domain.Marketing.Attribution.AttributionInput), Response = typeof(CartView))]
    public Task<IActionResult> RecordAttribution([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts/{cartId}/attribution")] HttpRequest req, string cartId, CancellationToken ct) =>
        WithCartAsync(req, async access => Api.Ok(await details.RecordAttributionAsync(cartId, await req.ReadJsonAsync<Domain.Marketing.Attribution.AttributionInput>(), access, req.IfMatch(), ct)));

    [Function("MergeCarts")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Carts", "At sign-in, take an anonymous cart (id and token) into the customer's cart; the anonymous cart is deleted. Repeating it is harmless", Request = typeof(MergeCartsInput), Response = typeof(CartView))]
    public async Task<IActionResult> Merge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts/{cartId}/merge")] HttpRequest req, string cartId, CancellationToken ct) =>
        Api.Ok(await merge.MergeAsync(cartId, await req.ReadJsonAsync<MergeCartsInput>(), Access(req), ct));

    internal static CartAccess Access(HttpRequest req) =>
        new(req.Actor(), req.Headers.TryGetValue(CartTokenHeader, out var token) && token.Count == 1 && !string.IsNullOrWhiteSpace(token[0]) ? token[0]!.Trim() : null);

    // A caller who is not signed in can open no cart without its token: say so (401) before looking for the cart, so the
    // answer is the same whether the cart exists or not. A wrong token is 404, as for a cart that never existed.
    private static async Task<IActionResult> WithCartAsync(HttpRequest req, Func<CartAccess, Task<IActionResult>> run)
    {
        var access = Access(req);
        if (!access.IsSignedIn && access.CartToken is null)
            return Problems.Unauthorized(req.HttpContext, $"Send the {CartTokenHeader} header you received when the cart was created, or sign in.");
        return await run(access);
    }
}
