using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// "Notify me when available": a shopper asks to be told once when an out-of-stock variant of an active product is
/// back. A guest gives an address; a signed-in customer may leave it out, and their profile's address is used. One
/// request per address and SKU: asking again answers the same and changes nothing (not even the expiry). Bad input is
/// refused before anything is written: no such product (or not active: 404, as shoppers never see drafts), a SKU that
/// is not one of its variants or an address that is not one (400), a variant that is in stock now (409).
/// Tests: AskBackInStockTests (unit), BackInStockApiTests (HTTP).
/// </summary>
public sealed class AskBackInStock(
    IProductStore products, IInventoryStore inventory, IBackInStockRequests requests, ICustomerProfileStore profiles, IPersonalDataVault vault, TimeProvider clock)
{
    public async Task<BackInStockAccepted> AskAsync(string productId, BackInStockInput input, Actor actor, CancellationToken ct)
    {
        var found = Ids.IsWellFormed(productId) ? await products.FindByIdAsync(productId, ct) : null;
        if (found?.Value is not { IsVisibleToShoppers: true } product) throw new ResourceNotFoundException("Product", productId);

        var v = new Validator();
        if (v.Required(input.Sku, "sku"))
            v.Check(product.Variants.Any(x => x.Sku == input.Sku), "sku", "is not a variant of this product.");
        var isCustomer = actor.Roles.Contains(ShopRoles.Customer);
        CustomerProfile? profile = null;
        if (input.Email is not null)
        {
            MarketingContacts.CheckEmail(input.Email, "email", v);
        }
        else if (!isCustomer)
        {
            v.Add("email", "is required.");
        }
        else
        {
            profile = (await profiles.FindAsync(actor.Id, ct))?.Value;
            v.Check(profile?.Email is { Length: > 0 } e && e != PersonalData.Erased, "email", "is required: your profile has no email address.");
        }
        v.ThrowIfInvalid();
        var sku = input.Sku!;
        var address = input.Email?.Trim() ?? profile!.Email!;

        var now = clock.GetUtcNow();
        var stock = await inventory.FindManyAsync([sku], ct);
        var available = stock.SingleOrDefault()?.Value.Available(now) ?? 0;
        if (available > 0)
            throw new BusinessRuleViolationException($"{sku} is in stock now ({available} available): add it to the cart instead of asking to be told.", "sku");

        var key = await vault.BlindIndexAsync(BlindIndexKind.Email, address, ct);
        var customerId = isCustomer
            ? actor.Id
            // A guest's request is linked to the customer with that address (if any), so erasing that customer removes it.
            : (await profiles.SearchAsync(new CustomerSearch(Email: address), 1, ct)).FirstOrDefault()?.CustomerId;
        var request = new BackInStockRequest
        {
            Sku = sku, ProductId = product.Id, Key = key, Email = address, DataOwnerId = Ids.New("bis"), CustomerId = customerId,
            Language = profile?.Language, RequestedAt = now, ExpiresAt = now + NotifyBackInStock.Retention,
        };
        return new BackInStockAccepted(BackInStockAccepted.Requested, sku, await requests.AddAsync(request, ct));
    }
}
