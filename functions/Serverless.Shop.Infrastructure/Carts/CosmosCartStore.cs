using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Carts;

/// <summary>
/// Carts in the <c>carts</c> container (partition key /id: a cart is one point read and one write). Every save sets the
/// item's <c>ttl</c> to the inactivity window, so Cosmos DB deletes a cart nobody touched for that long. A customer's
/// active cart is found through a small pointer document (<c>customer-cart_&lt;hash of the customer id&gt;</c>) whose
/// creation is the check that a customer gets only one cart, even when two requests create it at once.
/// </summary>
public sealed class CosmosCartStore(ShopContainers containers) : ICartStore
{
    private Container Carts => containers.Carts;

    public async Task<Versioned<Cart>?> FindAsync(string cartId, CancellationToken ct)
    {
        try
        {
            var response = await Carts.ReadItemAsync<CartDocument>(cartId, new PartitionKey(cartId), cancellationToken: ct);
            return response.Resource.Type == CartDocument.Kind ? new(response.Resource.Cart!, response.ETag) : null;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> CreateAsync(Cart cart, CancellationToken ct)
    {
        var response = await Carts.CreateItemAsync(CartDocument.From(cart), new PartitionKey(cart.Id), cancellationToken: ct);
        return response.ETag;
    }

    public async Task<string> ReplaceAsync(Cart cart, string expectedVersion, CancellationToken ct)
    {
        try
        {
            var response = await Carts.ReplaceItemAsync(CartDocument.From(cart), cart.Id, new PartitionKey(cart.Id),
                new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            throw new StaleVersionException("Cart");
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            throw new ResourceNotFoundException("Cart", cart.Id);
        }
    }

    public async Task DeleteAsync(string cartId, CancellationToken ct)
    {
        try
        {
            await Carts.DeleteItemAsync<CartDocument>(cartId, new PartitionKey(cartId), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            // Already gone (deleted by an earlier attempt, or expired): that is what was asked.
        }
    }

    public async Task<Versioned<string>?> FindCustomerCartIdAsync(string customerId, CancellationToken ct)
    {
        var id = CustomerCartDocument.IdFor(customerId);
        try
        {
            var response = await Carts.ReadItemAsync<CustomerCartDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return response.Resource.CustomerId == customerId ? new(response.Resource.CartId, response.ETag) : null;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<bool> TrySetCustomerCartIdAsync(string customerId, string cartId, string? expectedVersion, CancellationToken ct)
    {
        var pointer = new CustomerCartDocument { Id = CustomerCartDocument.IdFor(customerId), Type = CustomerCartDocument.Kind, CustomerId = customerId, CartId = cartId };
        try
        {
            if (expectedVersion is null)
                await Carts.CreateItemAsync(pointer, new PartitionKey(pointer.Id), cancellationToken: ct);
            else
                await Carts.ReplaceItemAsync(pointer, pointer.Id, new PartitionKey(pointer.Id), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    internal sealed record CartDocument
    {
        public const string Kind = "cart";
        public required string Id { get; init; }
        public required string Type { get; init; }
        public Cart? Cart { get; init; }

        /// <summary>Seconds after the last write until Cosmos DB deletes the item.</summary>
        public int Ttl { get; init; }

        /// <summary>How many lines the cart holds: the abandoned-cart flow looks only at carts with some.</summary>
        public int LineCount { get; init; }

        /// <summary>The cart's last change in Unix seconds, for the abandoned-cart flow's range query.</summary>
        public long ChangedAt { get; init; }

        /// <summary>
        /// Reminders the abandoned-cart flow claimed since the last change (CosmosIdleCarts patches it). Every save from a
        /// shopper's change writes 0, which starts a new idle spell.
        /// </summary>
        public int RemindersSent { get; init; }

        [System.Text.Json.Serialization.JsonPropertyName("_etag")]
        public string? ETag { get; init; }

        public static CartDocument From(Cart cart) => new()
        {
            Id = cart.Id,
            Type = Kind,
            Cart = cart,
            Ttl = Math.Max(1, (int)Math.Ceiling((cart.ExpiresAt - cart.UpdatedAt).TotalSeconds)),
            LineCount = cart.Lines.Count,
            ChangedAt = cart.UpdatedAt.ToUnixTimeSeconds(),
        };
    }

    /// <summary>
    /// Names a customer's active cart. It has no TTL of its own: when its cart expires the pointer simply names a cart that
    /// is gone, and the customer's next cart replaces it. The id hashes the customer id (subjects may hold any character).
    /// </summary>
    private sealed record CustomerCartDocument
    {
        public const string Kind = "customer-cart";
        public static string IdFor(string customerId) => "customer-cart_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)))[..40];
        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string CustomerId { get; init; }
        public required string CartId { get; init; }
    }
}
