using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Carts;

internal static class CartExamples
{
    public static readonly DateTimeOffset Now = FixedClock.Instant;
    public static readonly TimeSpan Inactivity = TimeSpan.FromDays(30);
    public const string Token = "the-secret-token";

    public static readonly Actor Alice = new("cust_alice", [ShopRoles.Customer]);
    public static readonly Actor Bob = new("cust_bob", [ShopRoles.Customer]);
    public static readonly Actor Support = new("staff_sam", [ShopRoles.Support]);
    public static readonly Actor Merchandiser = new("staff_mia", [ShopRoles.Merchandiser]);

    public static Cart Anonymous(string id = "cart_anon") => Cart.New(id, null, CartRules.HashToken(Token), null, "EUR", Now, Inactivity);

    public static Cart OfCustomer(Actor customer, string id = "cart_customer") => Cart.New(id, customer.Id, null, null, "EUR", Now, Inactivity);

    public static Cart WithLines(this Cart cart, params (string Sku, int Quantity)[] lines) =>
        lines.Aggregate(cart, (c, l) => c.AddLine("prod_" + l.Sku.ToLowerInvariant(), l.Sku, l.Quantity, "line_" + l.Sku.ToLowerInvariant(), Now));

    public static Cart WithCodes(this Cart cart, params string[] codes) => codes.Aggregate(cart, (c, code) => c.AddCode(code));
}
