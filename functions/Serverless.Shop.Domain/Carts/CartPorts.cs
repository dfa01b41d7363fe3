using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Carts;

/// <summary>
/// Where carts live. Writes are optimistic: <see cref="ReplaceAsync"/> throws <see cref="StaleVersionException"/> when the
/// cart changed since it was read, and <see cref="ResourceNotFoundException"/> when it is gone. The store makes a cart
/// disappear by itself once <see cref="Cart.ExpiresAt"/> passes (Cosmos DB TTL).
/// </summary>
public interface ICartStore
{
    /// <summary>The cart as stored, expired or not (expiry is the use case's to judge: TTL sweeps may lag).</summary>
    Task<Versioned<Cart>?> FindAsync(string cartId, CancellationToken ct);

    /// <returns>The new version.</returns>
    Task<string> CreateAsync(Cart cart, CancellationToken ct);

    /// <returns>The new version.</returns>
    Task<string> ReplaceAsync(Cart cart, string expectedVersion, CancellationToken ct);

    /// <summary>Deletes the cart; a cart already gone is fine.</summary>
    Task DeleteAsync(string cartId, CancellationToken ct);

    /// <summary>Which cart is the customer's active one (the cart may since have expired or been deleted).</summary>
    Task<Versioned<string>?> FindCustomerCartIdAsync(string customerId, CancellationToken ct);

    /// <summary>
    /// Makes <paramref name="cartId"/> the customer's active cart, if the pointer is still at <paramref name="expectedVersion"/>
    /// (null: if the customer has none yet). False when another request set it first.
    /// </summary>
    Task<bool> TrySetCustomerCartIdAsync(string customerId, string cartId, string? expectedVersion, CancellationToken ct);
}

/// <param name="InactivityDays">A cart nobody changes for this long is gone (Carts:InactivityDays).</param>
public sealed record CartSettings(int InactivityDays = CartSettings.DefaultInactivityDays)
{
    public const int DefaultInactivityDays = 30;
    public TimeSpan Inactivity => TimeSpan.FromDays(InactivityDays);
}

public sealed record CreateCartInput(ShipToInput? ShipTo)
{
    /// <summary>How the shopper came to the shop (UTM parameters, click ids), as the landing page captured it; optional.</summary>
    public Marketing.Attribution.AttributionInput? Attribution { get; init; }
}

public sealed record ShipToInput(string? Country, string? Region);

/// <summary>
/// A variant to add: the product (as the storefront shows it) and the variant's SKU. Prices are not part of it: a price
/// or total a client sends is ignored, the server prices every cart.
/// </summary>
public sealed record AddCartLineInput(string? ProductId, string? Sku, int? Quantity);

/// <summary>The line's new quantity; 0 removes the line.</summary>
public sealed record UpdateCartLineInput(int? Quantity);

public sealed record AddCartCodeInput(string? Code);

/// <summary>The anonymous cart to take over at sign-in, with the token that opens it.</summary>
public sealed record MergeCartsInput(string? SourceCartId, string? SourceCartToken);

/// <summary>
/// A cart as the API shows it: its content, its price computed on the server just now, and what the shopper should know.
/// <see cref="CartToken"/> is present only in the answer that created an anonymous cart: it is never shown again.
/// </summary>
public sealed record CartView(
    string Id, string? CustomerId, IReadOnlyList<CartLine> Lines, IReadOnlyList<string> Codes, TaxLocation? ShipTo, string Currency,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset ExpiresAt, PricedCart Pricing, IReadOnlyList<CartWarning> Warnings)
{
    public string? CartToken { get; init; }

    /// <summary>The first and last visit that led to the cart (UTM parameters, click ids); null when none was sent.</summary>
    public Marketing.Attribution.CartAttribution? Attribution { get; init; }
}

/// <summary>The answer to creating a cart: a new cart, or the signed-in customer's existing one.</summary>
public sealed record CartCreation(Versioned<CartView> Cart, bool IsNew);
