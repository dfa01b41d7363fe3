using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.Privacy;

/// <summary>What staff ask to erase: a customer (all their data) or one guest order. Exactly one of the two.</summary>
public sealed record ErasureInput(string? CustomerId, string? OrderNumber);

/// <summary>What was erased; <see cref="KeyDestroyed"/> is false when the owner had no key left (erased before, or never had data).</summary>
/// <param name="AccountDeleted">For a customer: whether a sign-in account was deleted (false when there was none left); null for a guest order.</param>
public sealed record ErasureResult(string OwnerKind, string OwnerId, bool KeyDestroyed, bool? AccountDeleted = null);

/// <summary>A customer erasing their own account: <see cref="Confirm"/> must be true, so that no stray call erases anyone.</summary>
public sealed record MyErasureInput(bool Confirm);

/// <summary>
/// Erasure by crypto-shredding (GDPR article 17): the owner's data key is destroyed, so every personal value it sealed,
/// in the live containers and in every backup or copy of them, can no longer be read. Orders keep what the books need
/// (amounts, dates, products, statuses): those were never sealed. A customer's orders go with the customer; a guest
/// order is its own owner. Once the key is gone, each of the owner's orders is written again, so the live documents also
/// lose the email's blind index and hold the erased marker instead of ciphertext, and their marketing attribution loses
/// its ad click ids and landing page (<see cref="Marketing.Attribution.CartAttribution.WithoutPersonalData"/>); then every capability's
/// <see cref="IPersonalDataCleanup"/> tidies its own live documents of the customer. A customer's sign-in account is
/// deleted first, so nobody signs in as them while their data goes. Proof: PersonalDataErasureTests.
/// </summary>
public sealed class ErasePersonalData(IPersonalDataVault vault, IOrderStore orders, ICustomerAccounts accounts, IEnumerable<IPersonalDataCleanup> cleanups)
{
    public const int MaximumIdLength = 200;

    /// <summary>Orders in these states still need the buyer's address or email (fulfilment, a refund to tell them about).</summary>
    private static readonly OrderStatus[] OpenStatuses =
        [OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Processing, OrderStatus.Shipped, OrderStatus.ReturnRequested];

    /// <summary>
    /// A signed-in customer erases their own account (the right to erasure, self-served). Refused while one of their
    /// orders is still open: the shop needs the address to deliver it and the email to tell them about it; the problem
    /// names the orders. Staff can still erase at once through <see cref="EraseAsync"/>.
    /// </summary>
    public async Task<ErasureResult> EraseMineAsync(Actor customer, MyErasureInput input, CancellationToken ct)
    {
        if (!input.Confirm) throw ValidationFailedException.For("confirm", "must be true: erasing your account cannot be undone.");
        var open = new List<string>();
        string? token = null;
        do
        {
            var page = await orders.ListByCustomerAsync(customer.Id, new PageRequest(PageRequest.MaximumSize, token), ct);
            open.AddRange(page.Items.Where(o => OpenStatuses.Contains(o.Status)).Select(o => $"{o.Number} ({OrderTransitions.Describe(o.Status)})"));
            token = page.ContinuationToken;
        }
        while (token is not null);
        if (open.Count > 0)
            throw new BusinessRuleViolationException(
                $"Your account cannot be erased while an order is open: {string.Join(", ", open)}. Try again once it is delivered or cancelled, or ask support.", "orders");
        return await EraseAsync(new ErasureInput(customer.Id, null), ct);
    }

    public async Task<ErasureResult> EraseAsync(ErasureInput input, CancellationToken ct)
    {
        var v = new Validator();
        var hasCustomer = !string.IsNullOrWhiteSpace(input.CustomerId);
        var hasOrder = !string.IsNullOrWhiteSpace(input.OrderNumber);
        if (hasCustomer == hasOrder) v.Add(hasCustomer ? "orderNumber" : "customerId", "give either customerId (a customer) or orderNumber (a guest order), not both and not neither.");
        v.MaxLength(input.CustomerId, MaximumIdLength, "customerId");
        v.MaxLength(input.OrderNumber, MaximumIdLength, "orderNumber");
        v.ThrowIfInvalid();

        DataOwner owner;
        IReadOnlyList<string> numbers;
        bool? accountDeleted = null;
        if (hasCustomer)
        {
            owner = DataOwner.Customer(input.CustomerId!.Trim());
            accountDeleted = await accounts.DeleteAsync(owner.Id, ct);
            numbers = await CustomerOrderNumbersAsync(owner.Id, ct);
        }
        else
        {
            var number = input.OrderNumber!.Trim();
            var order = await orders.FindAsync(number, ct) ?? throw new ResourceNotFoundException("Order", number);
            if (order.Value.CustomerId is not null)
                throw new BusinessRuleViolationException(
                    "This order belongs to a customer: its personal data is sealed with the customer's key, so erase the customer (customerId) instead.", "orderNumber");
            owner = DataOwner.GuestOrder(order.Value.Number);
            numbers = [order.Value.Number];
        }

        var destroyed = await vault.EraseAsync(owner, ct);
        foreach (var number in numbers) await RewriteAsync(number, ct);
        if (hasCustomer)
            foreach (var cleanup in cleanups) await cleanup.CleanUpAsync(owner.Id, ct);
        return new ErasureResult(owner.Kind, owner.Id, destroyed, accountDeleted);
    }

    private async Task<IReadOnlyList<string>> CustomerOrderNumbersAsync(string customerId, CancellationToken ct)
    {
        var numbers = new List<string>();
        string? token = null;
        do
        {
            var page = await orders.ListByCustomerAsync(customerId, new PageRequest(PageRequest.MaximumSize, token), ct);
            numbers.AddRange(page.Items.Select(s => s.Number));
            token = page.ContinuationToken;
        }
        while (token is not null);
        return numbers;
    }

    // Read (the personal fields now read as erased) and write back without the click ids; another change in between means read again.
    private async Task RewriteAsync(string number, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await orders.FindAsync(number, ct) is not { } order) return;
            try
            {
                var erased = order.Value.Attribution is { } journey ? order.Value with { Attribution = journey.WithoutPersonalData() } : order.Value;
                await orders.SaveAsync(erased, order.Version, ct);
                return;
            }
            catch (StaleVersionException) when (attempt < 5)
            {
            }
        }
    }
}
