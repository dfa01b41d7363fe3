using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Shipping;

public sealed class ShippingFunctions(QuoteShipping quotes)
{
    /// <remarks>A POST because it carries an address and a basket; it changes nothing, so shoppers need no sign-in.</remarks>
    [Function("QuoteShipping")]
    [PublicEndpoint(Guard = "none needed: a quote reads rates and changes nothing")]
    [ApiDoc("Shipping", "The shipping fee and delivery estimate for an address and a basket (409 for a country the shop does not ship to)", Request = typeof(ShippingQuoteInput), Response = typeof(ShippingQuote))]
    public async Task<IActionResult> Quote([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "shipping/quotes")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await quotes.QuoteAsync(await req.ReadJsonAsync<ShippingQuoteInput>(), ct));
}
