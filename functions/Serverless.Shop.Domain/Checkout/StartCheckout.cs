using System.Net.Mail;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Checkout;

/// <summary>
/// Turns a cart into an order pending payment, after checking everything a shopper can get wrong before money moves:
/// the input, the cart's lines, the address (can we ship there?), and stock as it stands now. The orchestration then
/// reserves, charges and ships; this only places the order, so the request answers quickly.
/// </summary>
public sealed class StartCheckout(
    ManageCarts carts, ICartPricing pricing, DistanceShippingRates shippingRates, AllocateStock allocate, ManageOrders orders,
    PaymentGateways gateways, CheckoutSettings settings, PointsLedger points, LoyaltySettings loyalty, ManageCustomerProfile profiles,
    ICustomerPricingProfiles pricingProfiles, TimeProvider clock, IEnumerable<ICarrier> carriers)
{
    public const int MaximumTokenLength = 255;

    public async Task<(CheckoutStarted Started, CheckoutProcess Process)> StartAsync(CheckoutInput input, CartAccess access, CancellationToken ct)
    {
        // Every product is a physical good today: with no carrier to ship it, refuse (503) before anything is read or written.
        MissingCarrier.EnsureOneIsConfigured(carriers);
        var address = Validate(input) ?? await AddressFromBookAsync(input.ShippingAddressId!.Trim(), access, ct);
        var cart = (await carts.OpenAsync(input.CartId!, access, forChange: true, ct)).Value;
        if (cart.Lines.Count == 0) throw new BusinessRuleViolationException("The cart is empty: add something before checking out.", "cartId");

        var lines = cart.Lines.Select(l => new CartLineRef(l.LineId, l.ProductId, l.Sku, l.Quantity)).ToList();
        // Located while the cart is priced: the nearest warehouse and the distance fee both need it.
        var locating = shippingRates.LocateAsync(address, ct);
        var location = new TaxLocation(address.Country!, address.Region);
        var customerId = cart.CustomerId ?? access.CustomerId;
        // Both pricings below price for the same customer: their tier, segments and first-order standing are read once.
        var customerRead = pricingProfiles.GetAsync(customerId, ct);
        var pointsToSpend = input.PointsToSpend ?? 0;
        if (pointsToSpend > 0)
        {
            if (customerId is null) throw ValidationFailedException.For(PointsSpending.Field, "Sign in to spend loyalty points: a guest has none.");
            // A quick answer for the common mistake; the hold in the orchestration is what guarantees it under concurrency.
            var balance = await points.GetAsync(new Administration.Actor(customerId, []), ct);
            if (pointsToSpend > balance.Available)
                throw new BusinessRuleViolationException($"You have {balance.Available} points to spend; this order asks for {pointsToSpend}.", PointsSpending.Field);
        }
        var pointsDiscount = PointsDiscount.For(pointsToSpend, loyalty, cart.Currency, clock.GetUtcNow());
        // A destination without a tax rate is refused here, before anything is reserved (docs/pricing.md#tax).
        async Task<PricedCart> PriceAsync(CartPricingInput pricingInput)
        {
            try { return await pricing.PriceAsync(pricingInput, ct); }
            catch (NoTaxRateException e) { throw e.For("shippingAddress.country"); }
        }

        // Without the points: spending points does not cost a free-shipping threshold (it counts what promotions leave).
        var customer = await customerRead;
        var goods = await PriceAsync(new CartPricingInput(lines, cart.Codes, customerId, location, null) { Customer = customer });
        for (var i = 0; i < goods.Lines.Count; i++)
            if (goods.Lines[i].Problem is { } problem)
                throw new BusinessRuleViolationException($"{goods.Lines[i].Name} ({goods.Lines[i].Sku}): {problem} Remove it from the cart to check out.", $"lines[{i}]");

        var located = await locating;
        var quote = await QuoteShippingAsync(input, address, located, lines,
            new Money(goods.Subtotal.Amount - goods.DiscountTotal.Amount, goods.Currency), ct);
        // The price charged: with a tax service, this is where it calculates the tax (once per checkout).
        var priced = await PriceAsync(new CartPricingInput(lines, cart.Codes, customerId, location, quote.Fee) { CheckoutAddress = address, AppliedLast = pointsDiscount, Customer = customer });
        PointsDiscount.EnsureFullyApplied(priced, pointsToSpend, loyalty);

        var number = OrderNumbers.New();
        var token = OrderAccessTokens.New();
        var method = input.PaymentMethod!.Value;
        var order = await orders.PlaceAsync(new PlaceOrder(number, customerId, input.Email!.Trim(), priced, address, quote, method, token,
            new CheckoutResumeInputs(input.PaymentToken, input.ReturnUrl, cart.Id)) { PointsSpent = pointsToSpend, Attribution = cart.Attribution }, ct);

        return (new CheckoutStarted(order.Number, token, order.Status, order.Pricing, quote),
                new CheckoutProcess(order.Number, method, input.PaymentToken, input.ReturnUrl, cart.Id, settings.HoldFor(method), settings.PaymentActionTimeout));
    }

    /// <summary>
    /// Plans where the order ships from, as the reservation will (the nearest warehouse with everything, else the fewest
    /// parcels), and prices each parcel from its warehouse, at the chosen service level. Too little stock in the
    /// warehouses that ship to the address is refused on the cart line. The orchestration reserves on the stock it then
    /// finds, so a parcel may leave from elsewhere if stock moved meanwhile; the customer pays the fee quoted here.
    /// Shipping is quoted on what the goods cost after discounts, so a free-shipping threshold counts the price paid.
    /// </summary>
    private async Task<ShippingQuote> QuoteShippingAsync(
        CheckoutInput input, ShippingAddress address, Destination located, IReadOnlyList<CartLineRef> lines, Money goods, CancellationToken ct)
    {
        var productOf = lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().ProductId, StringComparer.Ordinal);
        var items = lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g => new ParcelItem(g.Key, g.Sum(l => l.Quantity))).ToList();
        // A country the shop does not ship to is said as such, not as stock that no warehouse there has.
        shippingRates.EnsureShippedTo(new ShippingQuoteRequest(address, items, goods));
        var plan = await allocate.PlanAsync(items, address.Country!, located.Result?.Point, ct);
        if (plan.Shortage is { } shortage)
        {
            var line = lines.ToList().FindIndex(l => l.Sku == shortage.Sku);
            throw new BusinessRuleViolationException(
                $"Only {shortage.Available} of {shortage.Sku} left; the cart asks for {shortage.Wanted}.", $"lines[{line}].quantity");
        }
        var parcels = plan.Allocation!.Parcels.Select(p => new ParcelToQuote(
            p.WarehouseId,
            plan.Warehouses.Find(p.WarehouseId) is { } warehouse ? DistanceShippingRates.OriginOf(warehouse) : null,
            p.Items.Select(i => i with { ProductId = productOf.GetValueOrDefault(i.Sku) }).ToList())).ToList();
        var options = await shippingRates.QuoteParcelsAsync(address, located, parcels, goods, ct);
        return options.Choose(input.ShippingService, address.Country);
    }

    /// <summary>
    /// The address book entry a signed-in customer names instead of typing an address: one read of their profile (its
    /// data key is the one the order is sealed with, so that read is shared). A guest has no book, and an id that is not
    /// in the customer's book is refused on the field, before anything is written.
    /// </summary>
    private async Task<ShippingAddress> AddressFromBookAsync(string addressId, CartAccess access, CancellationToken ct)
    {
        if (access.CustomerId is not { } customerId)
            throw ValidationFailedException.For(ShippingAddressIdField, "Sign in to use an address from your address book, or send shippingAddress.");
        var found = await profiles.FindAddressAsync(customerId, addressId, ct)
            ?? throw ValidationFailedException.For(ShippingAddressIdField, "is not the id of an address in your address book.");
        return ShippingAddressRules.Normalise(found.ToShippingAddress());
    }

    private const string ShippingAddressIdField = "shippingAddressId";

    /// <summary>Checks the input; the shipping address when it was sent whole, null when it is named by <see cref="CheckoutInput.ShippingAddressId"/>.</summary>
    private ShippingAddress? Validate(CheckoutInput input)
    {
        var v = new Validator();
        if (v.Required(input.CartId, "cartId")) v.Check(Ids.IsWellFormed(input.CartId), "cartId", "is not a cart id the shop issued.");
        if (v.Required(input.Email, "email"))
            v.Check(input.Email!.Length <= 254 && MailAddress.TryCreate(input.Email.Trim(), out var parsed) && parsed.Address == input.Email.Trim() && parsed.Host.Contains('.'),
                "email", "must be an email address such as name@example.com.");
        var byId = input.ShippingAddressId is not null;
        if (byId)
        {
            v.Check(input.ShippingAddress is null, ShippingAddressIdField, "give shippingAddress or shippingAddressId, not both.");
            v.Check(input.ShippingAddressId!.Trim().Length is > 0 and <= Customers.CustomerProfileRules.MaximumAddressIdLength, ShippingAddressIdField,
                "is not the id of an address in your address book.");
        }
        else ShippingAddressRules.Validate(input.ShippingAddress, "shippingAddress", v);
        if (v.Required(input.PaymentMethod, "paymentMethod"))
        {
            var method = input.PaymentMethod!.Value;
            v.Check(gateways.Supports(method), "paymentMethod", $"is not offered by this shop; it takes {string.Join(", ", gateways.AvailableMethods)}.");
            if (method == PaymentMethod.Card) v.Required(input.PaymentToken, "paymentToken");
        }
        v.MaxLength(input.PaymentToken, MaximumTokenLength, "paymentToken");
        v.Check(input.PointsToSpend is null or >= 0, PointsSpending.Field, "must not be negative.");
        if (input.ReturnUrl is not null)
            v.Check(input.ReturnUrl.Length <= 2000 && Uri.TryCreate(input.ReturnUrl, UriKind.Absolute, out var url) && url.Scheme is "https" or "http",
                "returnUrl", "must be an absolute http(s) URL of the storefront.");
        v.ThrowIfInvalid();
        return byId ? null : ShippingAddressRules.Normalise(input.ShippingAddress!);
    }
}
