using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// What customers, guests and staff may read of orders: one order by number (staff), a customer's own order, an order
/// seen with its access token, a customer's list, and staff search. Changes are <see cref="ManageOrders"/>.
/// </summary>
public sealed class OrderQueries(IOrderStore orders, OrderSettings settings)
{
    public async Task<Versioned<Order>> GetAsync(string number, CancellationToken ct)
    {
        var normalised = OrderNumbers.Normalise(number) ?? throw new ResourceNotFoundException("Order", number);
        return await orders.FindAsync(normalised, ct) ?? throw new ResourceNotFoundException("Order", normalised);
    }

    /// <summary>A customer's own order; someone else's is 404, as if it did not exist.</summary>
    public async Task<Versioned<OrderView>> GetForCustomerAsync(string number, Actor customer, CancellationToken ct)
    {
        var order = await GetAsync(number, ct);
        if (order.Value.CustomerId is null || order.Value.CustomerId != customer.Id) throw new ResourceNotFoundException("Order", number);
        return new(OrderView.Of(order.Value, settings), order.Version);
    }

    /// <summary>An order seen with its access token (guests, links in emails); a wrong or missing token is 404.</summary>
    public async Task<Versioned<OrderView>> GetWithTokenAsync(string number, string? token, CancellationToken ct)
    {
        var order = await GetAsync(number, ct);
        if (!OrderAccessTokens.Matches(order.Value, token)) throw new ResourceNotFoundException("Order", number);
        return new(OrderView.Of(order.Value, settings), order.Version);
    }

    public async Task<Page<OrderSummary>> ListForCustomerAsync(Actor customer, string? pageSize, string? token, CancellationToken ct)
    {
        var v = new Validator();
        var page = PageRequest.Parse(pageSize, token, v);
        v.ThrowIfInvalid();
        return await orders.ListByCustomerAsync(customer.Id, page, ct);
    }

    public async Task<Page<OrderSummary>> SearchAsync(OrderSearchQuery query, CancellationToken ct)
    {
        var (filter, page) = query.Parse();
        return await orders.SearchAsync(filter, page, ct);
    }
}
