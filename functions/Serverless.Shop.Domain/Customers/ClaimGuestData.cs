using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Customers;

/// <param name="CartId">The guest cart to take over; its token comes in the Cart-Token header. Null: orders only.</param>
public sealed record ClaimGuestDataInput(string? CartId);

/// <param name="ClaimedOrders">Guest orders that became the customer's in this call.</param>
/// <param name="OrdersAlreadyYours">Orders with the email that were already the customer's (claimed before, or bought signed in).</param>
/// <param name="Cart">The customer's cart after taking the guest cart in; null when no cart was given.</param>
public sealed record GuestDataClaim(IReadOnlyList<string> ClaimedOrders, IReadOnlyList<string> OrdersAlreadyYours, CartView? Cart);

/// <summary>The customer's email is not verified by the customer authority, so nothing bought with it can be theirs.</summary>
public sealed class EmailNotVerifiedException(string detail) : ShopException("Email not verified.", detail);

/// <summary>
/// After sign-up or sign-in: what the shopper did as a guest joins the account. The guest cart (proved by its token)
/// merges into the customer's cart, and past guest orders placed with the customer's verified email become the
/// customer's orders. Only with an email the customer authority verified; an order of another customer never moves;
/// running it again changes nothing. A claimed order's personal data is sealed again with the customer's key, and the
/// order's own guest key is then destroyed, so erasing the customer later also shreds every copy of the order taken
/// while it was a guest's (GuestDataClaimTests).
/// </summary>
public sealed class ClaimGuestData(IOrderStore orders, ManageCarts carts, MergeCarts merge, IPersonalDataVault vault, TimeProvider clock)
{
    private const int MaximumAttempts = 5;

    public async Task<GuestDataClaim> ClaimAsync(Actor actor, string? verifiedEmail, ClaimGuestDataInput input, string? cartToken, CancellationToken ct)
    {
        if (!actor.Roles.Contains(ShopRoles.Customer) || actor.Id == Actor.Anonymous.Id)
            throw new BusinessRuleViolationException("Only a signed-in customer can take over guest data.");
        var v = new Validator();
        var cartId = string.IsNullOrWhiteSpace(input.CartId) ? null : input.CartId.Trim();
        if (cartId is not null) v.Check(!string.IsNullOrWhiteSpace(cartToken), "Cart-Token", "is required with cartId: the guest cart's token proves it is yours.");
        else v.Check(cartToken is null, "cartId", "is required with a Cart-Token.");
        v.ThrowIfInvalid();
        if (verifiedEmail is null)
            throw new EmailNotVerifiedException("Your sign-in carries no verified email (a customer token with the email claim), so no guest order can be matched to you: sign in as a customer whose email is verified.");

        // The cart first: it fails on a wrong token or someone else's cart before any order moves.
        CartView? cart = null;
        if (cartId is not null)
        {
            var access = new CartAccess(actor, null);
            var own = await carts.CreateAsync(null, access, ct);
            cart = (await merge.MergeAsync(own.Cart.Value.Id, new MergeCartsInput(cartId, cartToken), access, ct)).Value;
        }

        var claimed = new List<string>();
        var alreadyYours = new List<string>();
        string? token = null;
        do
        {
            var page = await orders.SearchAsync(new OrderSearch { Email = verifiedEmail }, new PageRequest(PageRequest.MaximumSize, token), ct);
            foreach (var summary in page.Items)
            {
                if (summary.CustomerId == actor.Id) alreadyYours.Add(summary.Number);
                else if (summary.CustomerId is null && await ClaimOrderAsync(summary.Number, actor.Id, verifiedEmail, ct)) claimed.Add(summary.Number);
                else continue;
                // The order is sealed with the customer's key now. Its guest key goes, also for an order a claim
                // interrupted after the move left behind (erasing an erased or absent key is one read, or a tombstone).
                await vault.EraseAsync(DataOwner.GuestOrder(summary.Number), ct);
            }
            token = page.ContinuationToken;
        }
        while (token is not null);
        return new GuestDataClaim(claimed, alreadyYours, cart);
    }

    /// <summary>Gives a guest order to the customer, read and written under its ETag; false when it is not a guest order of this email (any more).</summary>
    private async Task<bool> ClaimOrderAsync(string number, string customerId, string email, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var found = await orders.FindAsync(number, ct);
            if (found is null || found.Value.CustomerId is not null || !string.Equals(found.Value.Email, email, StringComparison.OrdinalIgnoreCase)) return false;
            try
            {
                await orders.SaveAsync(found.Value with { CustomerId = customerId, UpdatedAt = clock.GetUtcNow() }, found.Version, ct);
                return true;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                // The checkout or a webhook changed the order meanwhile: read it again and decide again.
            }
        }
    }
}
