using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// The rules of item returns: which units may still be returned, when a return is approved without staff, and what its
/// refund gives back. Pure functions of the order, so the use cases decide inside the order's conditional write.
/// Tests: ItemReturnRulesTests, ItemReturnTests.
/// </summary>
public static partial class ReturnRules
{
    public const int MaximumLines = 100;
    public const int MaximumCommentLength = 500;

    /// <summary>Who the history names when the rule approves a return.</summary>
    public const string AutomaticApprover = "system:returns";

    /// <summary>The stock adjustment that puts a return line's units back: one id per order, return and line, so it is applied once.</summary>
    public static string RestockAdjustmentId(string number, string returnId, string lineId) => $"{number}:{returnId}:{lineId}";

    /// <summary>The carrier's idempotency key of a return's label.</summary>
    public static string LabelIdempotencyKey(string number, string returnId) => $"{number}-return-{returnId}-label";

    /// <summary>The carrier's idempotency key of voiding an expired return's label (its own, apart from buying it).</summary>
    public static string VoidLabelIdempotencyKey(string number, string returnId) => $"{number}-return-{returnId}-void";

    /// <summary>Who the history names when an overdue return is closed.</summary>
    public const string Expirer = "system:returns-expiry";

    /// <summary>
    /// An approved return is overdue when it has its label, was approved more than <see cref="ReturnSettings.ShipBackWithinDays"/>
    /// days ago, and its parcel shows no carrier scan (no tracking yet, or only "label created"). A parcel the carrier has
    /// scanned is on its way and is never expired, however late. A return approved without a label (the carrier failed) is
    /// not the customer's delay and waits for staff. Tests: ExpireOverdueReturnsTests.
    /// </summary>
    /// <summary>The order has an approved return whose parcel has not been received: the store flags it for <see cref="ExpireOverdueReturns"/>.</summary>
    public static bool AwaitsParcel(Order order) => order.Returns.Any(r => r.Status == ReturnStatus.Approved);

    public static bool IsOverdue(OrderReturn ret, ReturnSettings settings, DateTimeOffset now) =>
        ret is { Status: ReturnStatus.Approved, Label: { } label, DecidedAt: { } approved }
        && (label.LastTrackingStatus is null or Shipping.TrackingStatus.LabelCreated)
        && now > approved.AddDays(settings.ShipBackWithinDays);

    public static bool TryParseReason(string? text, out ReturnReason reason)
    {
        reason = default;
        return text is { Length: > 0 } && Enum.TryParse(text.Trim(), ignoreCase: true, out reason) && Enum.IsDefined(reason) && !char.IsDigit(text.Trim()[0]);
    }

    /// <summary>Units of the line counted by returns so far (requested, approved, or received).</summary>
    public static int ReturnedUnits(Order order, string lineId) => order.Returns.Sum(r => r.UnitsOf(lineId));

    /// <summary>The order line a request names by id, or by SKU when exactly one line has it.</summary>
    public static PricedLine? FindLine(Order order, string? lineId, string? sku)
    {
        if (!string.IsNullOrWhiteSpace(lineId)) return order.Pricing.Lines.FirstOrDefault(l => l.LineId == lineId.Trim());
        if (string.IsNullOrWhiteSpace(sku)) return null;
        var matches = order.Pricing.Lines.Where(l => string.Equals(l.Sku, sku.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>
    /// Checks a request's shape (400, every field at fault at once): a known reason, 1 to <see cref="MaximumLines"/>
    /// lines, each naming a line of the order with a quantity of at least 1 and a known reason if it has one.
    /// Returns the lines as the return keeps them (one per order line, quantities added up).
    /// </summary>
    public static (ReturnReason Reason, IReadOnlyList<ReturnLine> Lines) Parse(Order order, ReturnRequestInput input)
    {
        var v = new Validator();
        var reason = default(ReturnReason);
        if (v.Required(input.Reason, "reason"))
            v.Check(TryParseReason(input.Reason, out reason), "reason", $"must be one of {string.Join(", ", Enum.GetNames<ReturnReason>().Select(Camel))}.");
        v.MaxLength(input.Comment, MaximumCommentLength, "comment");
        var lines = new List<ReturnLine>();
        if (v.Required(input.Lines, "lines") && v.Check(input.Lines!.Count is > 0 and <= MaximumLines, "lines", $"must have 1 to {MaximumLines} lines."))
        {
            for (var i = 0; i < input.Lines.Count; i++)
            {
                var field = $"lines[{i}]";
                if (input.Lines[i] is not { } l) { v.Add(field, "is required."); continue; }
                var line = FindLine(order, l.LineId, l.Sku);
                var lineOk = v.Check(line is not null, string.IsNullOrWhiteSpace(l.LineId) ? $"{field}.sku" : $"{field}.lineId",
                    string.IsNullOrWhiteSpace(l.LineId) && string.IsNullOrWhiteSpace(l.Sku) ? "is required: name the order line by lineId or sku." : "is not a line of this order.");
                var quantityOk = v.Check(l.Quantity is >= 1, $"{field}.quantity", "must be at least 1.");
                ReturnReason? lineReason = null;
                if (l.Reason is not null)
                {
                    if (v.Check(TryParseReason(l.Reason, out var parsed), $"{field}.reason", "is not a return reason.")) lineReason = parsed;
                }
                if (lineOk && quantityOk) lines.Add(new ReturnLine(line!.LineId, line.Sku, l.Quantity!.Value, lineReason));
            }
        }
        v.ThrowIfInvalid();
        var merged = lines.GroupBy(l => l.LineId)
            .Select(g => g.First() with { Quantity = g.Sum(l => l.Quantity), Reason = g.Select(l => l.Reason).FirstOrDefault(r => r is not null) })
            .ToList();
        return (reason, merged);
    }

    /// <summary>
    /// Throws a 409 naming the line when a return would take more units than bought less those already returned
    /// (field <c>lines[i].quantity</c>, i the index in the request).
    /// </summary>
    public static void EnsureReturnable(Order order, IReadOnlyList<ReturnLine> lines, ReturnRequestInput input)
    {
        foreach (var line in lines)
        {
            var bought = order.Pricing.Lines.Where(l => l.LineId == line.LineId).Sum(l => l.Quantity);
            var left = bought - ReturnedUnits(order, line.LineId);
            if (line.Quantity <= left) continue;
            var index = input.Lines!.Select((l, i) => (l, i)).First(x => x.l is not null && FindLine(order, x.l.LineId, x.l.Sku)?.LineId == line.LineId).i;
            throw new BusinessRuleViolationException(
                $"{line.Sku}: {bought} bought, {bought - left} already being returned or returned, so at most {left} can be returned, not {line.Quantity}.", $"lines[{index}].quantity");
        }
    }

    /// <summary>
    /// The automatic approval rule: a customer's return asked for within <see cref="ReturnSettings.AutoApproveWithinDays"/>
    /// days of delivery, with no reason (the return's or an item's) among <see cref="ReturnSettings.ReviewReasons"/>.
    /// Returns why it was approved, or null when staff must decide.
    /// </summary>
    public static string? AutoApproval(Order order, ReturnReason reason, IReadOnlyList<ReturnLine> lines, ReturnSettings settings, DateTimeOffset now)
    {
        if (settings.AutoApproveWithinDays <= 0 || order.DeliveredAt is not { } delivered) return null;
        if (now > delivered.AddDays(settings.AutoApproveWithinDays)) return null;
        if (settings.ReviewReasons.Contains(reason) || lines.Any(l => l.Reason is { } r && settings.ReviewReasons.Contains(r))) return null;
        return $"Approved automatically: asked for within {settings.AutoApproveWithinDays} days of delivery, for a reason that needs no review.";
    }

    /// <summary>
    /// The refund for the received units of <paramref name="received"/>: each line's share of what was paid for the
    /// order line (its total after discounts, with tax), rounded to the currency's minor unit; the last units of a line
    /// to come back take what is left of it, so the refunds of a line add up to exactly what it cost. Shipping (what the
    /// order paid for it, tax included) is added when the policy says so and this return brings back the last unit.
    /// </summary>
    public static (IReadOnlyList<ReturnLine> Lines, Money Amount, bool Shipping) Refund(Order order, OrderReturn received, ReturnSettings settings)
    {
        var currency = order.Currency;
        var others = order.Returns.Where(r => r.Id != received.Id && r.Status == ReturnStatus.Received).ToList();
        var lines = new List<ReturnLine>();
        foreach (var line in received.Lines)
        {
            var orderLine = order.Pricing.Lines.First(l => l.LineId == line.LineId);
            var units = line.ReceivedQuantity ?? 0;
            var unitsBefore = others.Sum(r => r.UnitsOf(line.LineId));
            var refundedBefore = others.SelectMany(r => r.Lines).Where(l => l.LineId == line.LineId).Sum(l => l.Refund?.Amount ?? 0m);
            var amount = units == 0 ? 0m
                : unitsBefore + units >= orderLine.Quantity ? orderLine.Total.Amount - refundedBefore
                : MoneyRounding.Round(orderLine.Total.Amount * units / orderLine.Quantity, currency);
            lines.Add(line with { Refund = new Money(amount, currency) });
        }
        var total = lines.Sum(l => l.Refund!.Amount);
        var everything = order.Pricing.Lines.All(l => others.Sum(r => r.UnitsOf(l.LineId)) + lines.Where(x => x.LineId == l.LineId).Sum(x => x.ReceivedQuantity ?? 0) >= l.Quantity);
        var shipping = settings.RefundShipping == ShippingRefundPolicy.WhenAllReturned && everything && total > 0;
        if (shipping) total += order.Pricing.Total.Amount - order.Pricing.Lines.Sum(l => l.Total.Amount);
        return (lines, new Money(total, currency), shipping);
    }

    /// <summary>Checks a warehouse name as stock adjustments take it today: 1 to 32 lower-case letters, digits or hyphens.</summary>
    public static bool IsWarehouse(string warehouse) => WarehousePattern().IsMatch(warehouse);

    internal static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,31})$")]
    private static partial Regex WarehousePattern();
}
