using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Infrastructure.Orders;

/// <summary>
/// Which fields of an order are personal, and so sealed at rest with the owner's data key (the customer's, or the
/// order's own for a guest): the email and every part of the shipping address but the country (tax and the books need
/// it; alone it names nobody). Amounts, products, dates, statuses and the payment ledger stay readable, which is what
/// keeps an erased customer's orders in the books. docs/security.md lists it; PersonalDataAtRestTests proves it.
/// </summary>
internal static class SealedOrders
{
    /// <summary>The scheme a sealed document was written with (its <c>sealed</c> field); absent on documents written before.</summary>
    public const int Scheme = 1;

    public static DataOwner OwnerOf(Order order) => DataOwner.OfOrder(order.CustomerId, order.Number);

    public static DataOwner OwnerOf(OrderSummary summary) => DataOwner.OfOrder(summary.CustomerId, summary.Number);

    public static Order Seal(Order order, IPersonalDataKey key) => Map(order, key.Seal);

    public static Order Unseal(Order order, IPersonalDataKey key) => Map(order, key.Unseal);

    public static OrderSummary Unseal(OrderSummary summary, IPersonalDataKey key) => summary with { Email = key.Unseal(summary.Email)! };

    private static Order Map(Order order, Func<string?, string?> change) => order with
    {
        Email = change(order.Email)!,
        ShippingAddress = Map(order.ShippingAddress, change),
    };

    private static ShippingAddress Map(ShippingAddress address, Func<string?, string?> change) => address with
    {
        Name = change(address.Name),
        Line1 = change(address.Line1),
        Line2 = change(address.Line2),
        City = change(address.City),
        PostalCode = change(address.PostalCode),
        Region = change(address.Region),
        Phone = change(address.Phone),
    };
}
