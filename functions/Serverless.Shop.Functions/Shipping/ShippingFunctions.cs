using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Shipping;

public sealed class ShippingFunctions(QuoteShipping quotes, QuoteShippingOptions options)
{
    /// <remarks>A POST because it carries an address and a basket; it changes nothing, so shoppers need no sign-in.</remarks>
    [Function("QuoteShipping")]
    [PublicEndpoint(Guard = "none needed: a quote reads rates and changes nothing")]
    [ApiDoc("Shipping", "The shipping fee and delivery estimate for an address and a basket (409 for a country the shop does not ship to)", Request = typeof(ShippingQuoteInput), Response = typeof(ShippingQuote))]
    public async Task<IActionResult> Quote([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "shipping/quotes")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await quotes.QuoteAsync(await req.ReadJsonAsync<ShippingQuoteInput>(), ct));

    /// <remarks>Every service level with its fee and delivery dates, priced by distance from the origin and by weight.</remarks>
    [Function("QuoteShippingOptions")]
    [PublicEndpoint(Guard = "none needed: a quote reads rates and changes nothing")]
    [ApiDoc("Shipping", "Every service level (standard, express) with fee and delivery dates for an address and a basket, by zone, distance, chargeable weight (dimensional weight counts) and service; an address that cannot be located is priced at its zone's farthest band and says so (409 for a country not shipped to or a parcel over the limits)", Request = typeof(ShippingOptionsInput), Response = typeof(ShippingOptions))]
    public async Task<IActionResult> Options([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "shipping/options")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await options.QuoteAsync(await req.ReadJsonAsync<ShippingOptionsInput>(), ct));
}
