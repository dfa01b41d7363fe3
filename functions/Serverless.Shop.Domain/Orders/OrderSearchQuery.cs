using System.Globalization;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>A staff search as it arrives in a query string; <see cref="Parse"/> checks every parameter and reports all mistakes at once.</summary>
public sealed record OrderSearchQuery(
    string? Number = null, string? Email = null, string? Status = null, string? CustomerId = null,
    string? CreatedFrom = null, string? CreatedTo = null, string? PageSize = null, string? ContinuationToken = null)
{
    public (OrderSearch Filter, PageRequest Page) Parse()
    {
        var v = new Validator();
        string? number = null;
        if (!string.IsNullOrWhiteSpace(Number))
            v.Check((number = OrderNumbers.Normalise(Number)) is not null, "number", "must be an order number such as SS-7KQ4-XM2P.");

        string? email = null;
        if (!string.IsNullOrWhiteSpace(Email))
        {
            email = Email.Trim().ToLowerInvariant();
            v.Check(email.Length <= 254 && email.Contains('@'), "email", "must be a whole email address.");
        }

        OrderStatus? status = null;
        if (!string.IsNullOrWhiteSpace(Status))
        {
            var name = Status.Trim().Replace("-", "", StringComparison.Ordinal);
            OrderStatus parsed = default;
            if (v.Check(name.All(char.IsAsciiLetter) && Enum.TryParse(name, ignoreCase: true, out parsed), "status",
                    $"must be one of {string.Join(", ", Enum.GetNames<OrderStatus>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}."))
                status = parsed;
        }

        var customerId = string.IsNullOrWhiteSpace(CustomerId) ? null : CustomerId.Trim();
        v.MaxLength(customerId, 200, "customerId");

        var from = Instant(CreatedFrom, "createdFrom", v);
        var to = Instant(CreatedTo, "createdTo", v);
        if (from is not null && to is not null) v.Check(from <= to, "createdTo", "must not be before createdFrom.");

        var page = PageRequest.Parse(PageSize, ContinuationToken, v);
        v.ThrowIfInvalid();
        return (new OrderSearch(number, email, status, customerId, from, to), page);
    }

    private static DateTimeOffset? Instant(string? text, string field, Validator v)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var ok = DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at);
        v.Check(ok, field, "must be a date or date and time in ISO 8601, e.g. 2025-03-14 or 2025-03-14T09:30:00Z.");
        return ok ? at : null;
    }
}
