using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Carts;

/// <summary>
/// At a customer's erasure their active cart goes: it holds what they were about to buy, the address they quoted
/// shipping to and the ad clicks that brought them, none of it sealed. Guest carts carry no owner and expire by
/// themselves (Carts:InactivityDays). Tests: CartPersonalDataTests.
/// </summary>
public sealed class CartPersonalData(ICartStore carts) : IPersonalDataCleanup
{
    public async Task CleanUpAsync(string customerId, CancellationToken ct)
    {
        if (await carts.FindCustomerCartIdAsync(customerId, ct) is not { } pointer) return;
        if (await carts.FindAsync(pointer.Value, ct) is { Value.CustomerId: var owner } && owner == customerId)
            await carts.DeleteAsync(pointer.Value, ct);
    }
}
