using System.Globalization;
using System.Text;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// The emails a customer gets about an order: one for each change that matters to them (docs/orders.md lists them),
/// plain text, with the order number and the totals of the price breakdown. Other changes send none.
/// </summary>
public static class OrderEmails
{
    public static EmailMessage? For(Order order, OrderHistoryEntry entry, OrderSettings settings)
    {
        // An erased buyer has no address left to write to (docs/security.md).
        if (order.Email == Privacy.PersonalData.Erased) return null;
        var n = order.Number;
        var itemReturn = order.Returns.FirstOrDefault(r => r.Id == entry.Reference);
        (string Subject, string Text)? content = itemReturn is not null ? ReturnContent(order, itemReturn, entry) : entry.Change switch
        {
            OrderChange.PaymentPending when order.Payment?.Transfer is { } t => (
                $"Order {n} received: please pay by bank transfer",
                $"Thank you for your order. It is reserved for you until {Day(t.PayBy)}; please transfer the amount below. The reference lets us match your payment.\n\n"
                + $"  Amount:       {Format(t.Amount)}\n  Beneficiary:  {t.Beneficiary}\n  IBAN:         {t.Iban}\n  BIC:          {t.Bic}\n  Reference:    {t.Reference}\n  Pay by:       {Day(t.PayBy)}\n\n"
                + "If the transfer does not arrive by then, the order is cancelled."),
            OrderChange.Paid => (
                $"Order {n} confirmed",
                $"Thank you for your order. We received your payment of {Format(order.Payment?.CapturedAmount ?? order.Pricing.Total)} and are preparing your parcel."),
            OrderChange.Shipped or OrderChange.ParcelShipped => (
                order.ParcelCount() > 1 ? $"Order {n}: {ParcelName(order, entry).ToLowerInvariant()} is on its way" : $"Order {n} is on its way",
                $"{ParcelName(order, entry)} is on its way with {ParcelOf(order, entry)?.Carrier}.{Contents(order, entry)}\n\n{Tracking(order, entry)}\n  Latest update:   {entry.Note}"),
            OrderChange.OutForDelivery => (
                $"Order {n}: {ParcelName(order, entry).ToLowerInvariant()} is out for delivery today",
                $"{ParcelName(order, entry)} is out for delivery with {ParcelOf(order, entry)?.Carrier} and should reach you today.{Contents(order, entry)}\n\n{Tracking(order, entry)}"),
            OrderChange.DeliveryFailed => (
                $"Order {n}: {ParcelName(order, entry).ToLowerInvariant()} could not be delivered",
                $"{ParcelName(order, entry)} could not be delivered.\n\n  The carrier says: {entry.Note}\n\n"
                + $"The carrier usually tries again or leaves a note about where to collect it; the tracking page says what happens next.\n\n{Tracking(order, entry)}"),
            OrderChange.ParcelDelivered => (
                $"Order {n}: {ParcelName(order, entry).ToLowerInvariant()} was delivered",
                $"{ParcelName(order, entry)} was delivered.{Contents(order, entry)} The rest of your order is still on its way; we email you when it arrives.\n\n{Tracking(order, entry)}"),
            OrderChange.ReturnedToSender => (
                $"Order {n}: {ParcelName(order, entry).ToLowerInvariant()} is coming back to us",
                $"{ParcelName(order, entry)} could not be delivered and is on its way back to us.{Contents(order, entry)} We will get in touch about sending it again or refunding it.\n\n{Tracking(order, entry)}"),
            OrderChange.Delivered => (
                $"Order {n} was delivered",
                DeliveredOpening(order) + " We hope you enjoy your order."
                + (OrderReturns.ReturnableUntil(order, settings) is { } until && order.Status == OrderStatus.Delivered
                    ? $" If something is not right, you can ask to return it until {Day(until)}." : "")
                + (ParcelOf(order, entry) is { } s ? $"\n\n  Tracking: {s.TrackingUrl}" : "")),
            // A parcel the carrier brought back: the customer did not send it (that is a return they asked for, below).
            OrderChange.Returned when entry.Actor.StartsWith("carrier:", StringComparison.Ordinal) => (
                $"Order {n} could not be delivered",
                "The carrier could not deliver your order and brought it back to us. We will get in touch about sending it again or refunding it."),
            OrderChange.Cancelled => (
                $"Order {n} was cancelled",
                $"Your order was cancelled.\n\n  Reason: {entry.Note}"
                + (order.CapturedAmount > 0 ? $"\n\nThe {Format(order.Payment!.CapturedAmount)} you paid is refunded to your original payment method; you get a separate email when the refund is issued." : "")),
            OrderChange.ReturnRequested => (
                $"Return requested for order {n}",
                $"We received your request to return this order.\n\n  Your reason: {entry.Note}\n\nWe will tell you how to send it back and email you again when the parcel arrives."),
            OrderChange.ReturnRejected => (
                $"Your return request for order {n}",
                $"We are sorry: we cannot accept the return of this order.\n\n  Why: {entry.Note}\n\nReply to this email if you have questions."),
            OrderChange.Returned => (
                $"Return received for order {n}",
                "Your returned parcel has arrived. If a refund is due, you get a separate email when it is issued."),
            OrderChange.PartiallyRefunded or OrderChange.Refunded => (
                $"Refund issued for order {n}",
                $"We refunded {Format(entry.Amount ?? new Money(0m, order.Currency))} to your original payment method; it can take a few days to appear on your statement.\n\n"
                + $"  Refunded so far: {Format(order.Payment?.RefundedAmount ?? new Money(0m, order.Currency))} of {Format(order.Payment?.CapturedAmount ?? order.Pricing.Total)} paid"),
            _ => null,
        };
        if (content is not { } c) return null;

        var text = new StringBuilder()
            .Append("Hello,\n\n")
            .Append(c.Text).Append("\n\n")
            .Append(Breakdown(order))
            .Append("\nQuestions? Reply to this email and quote your order number, ").Append(n).Append(".\n");
        return new EmailMessage([order.Email], c.Subject, text.ToString());
    }

    /// <summary>The emails about a return of some items (the entry's reference is the return's id).</summary>
    private static (string Subject, string Text)? ReturnContent(Order order, OrderReturn r, OrderHistoryEntry entry)
    {
        var n = order.Number;
        var items = string.Join("\n", r.Lines.Select(l => $"  {l.Quantity} x {order.Pricing.Lines.FirstOrDefault(x => x.LineId == l.LineId)?.Name ?? l.Sku} ({l.Sku})"));
        return entry.Change switch
        {
            // A return approved the moment it was asked for gets the approval's email alone.
            OrderChange.ReturnRequested when r.DecidedAt != r.RequestedAt || r.Status == ReturnStatus.Rejected => (
                $"Return {r.Id} requested for order {n}",
                $"We received your request to return these items:\n\n{items}\n\nWe will look at it and email you again."),
            OrderChange.ReturnApproved => (
                $"Return {r.Id} for order {n} is approved",
                $"You can send these items back:\n\n{items}\n\nWe will email you the return label."),
            OrderChange.ReturnLabelCreated when r.Label is { } label => (
                $"Your return label for order {n}",
                $"Print your return label, stick it on the parcel and hand it to {label.Carrier}.\n\n"
                + (label.LabelUrl is { } url ? $"  Label:           {url}\n" : "") + $"  Tracking number: {label.TrackingNumber}\n  Follow it here:  {label.TrackingUrl}"),
            OrderChange.ReturnRejected => (
                $"Your return request {r.Id} for order {n}",
                $"We are sorry: we cannot accept the return of these items:\n\n{items}\n\n  Why: {entry.Note}\n\nReply to this email if you have questions."),
            OrderChange.ReturnReceived => (
                $"Return {r.Id} received for order {n}",
                $"Your returned items have arrived. {(r.RefundAmount is { Amount: > 0 } refund ? $"We are refunding {Format(refund)}; you get a separate email when the refund is issued." : "Nothing is refunded for them.")}"),
            OrderChange.ReturnExpired => (
                $"Return {r.Id} for order {n} was closed",
                $"{entry.Note}\n\nThe return of these items is closed and its label is cancelled:\n\n{items}\n\nIf you still want to return them, reply to this email."),
            _ => null,
        };
    }

    /// <summary>The parcel an entry is about (<see cref="OrderHistoryEntry.Parcel"/>), else the order's first.</summary>
    private static OrderShipment? ParcelOf(Order order, OrderHistoryEntry entry) =>
        order.AllParcels().FirstOrDefault(p => string.Equals(p.TrackingNumber, entry.Parcel, StringComparison.OrdinalIgnoreCase)) ?? order.AllParcels().FirstOrDefault();

    private static string ParcelName(Order order, OrderHistoryEntry entry)
    {
        var parcels = order.AllParcels();
        var index = ParcelOf(order, entry) is { } parcel ? ParcelTracking.IndexOf(parcels, parcel.Carrier, parcel.TrackingNumber) : 0;
        return ParcelTracking.Name(order, Math.Max(index, 0));
    }

    /// <summary>How the delivered email starts: with several parcels, it names any that came back to the shop instead.</summary>
    private static string DeliveredOpening(Order order)
    {
        if (order.ParcelCount() == 1) return "Your parcel was delivered.";
        var back = order.AllParcels().Select((p, i) => (Parcel: p, Index: i)).Where(x => x.Parcel.LastTrackingStatus == Shipping.TrackingStatus.ReturnedToSender).ToList();
        return back.Count == 0
            ? "The last parcel of your order was delivered."
            : $"The rest of your order was delivered, but {string.Join(" and ", back.Select(x => ParcelTracking.Name(order, x.Index).ToLowerInvariant()))} could not be delivered and {(back.Count == 1 ? "is" : "are")} coming back to us; we will get in touch about sending it again or refunding it.";
    }

    /// <summary>What is in the parcel, for an order in several (one parcel holds everything).</summary>
    private static string Contents(Order order, OrderHistoryEntry entry) =>
        order.ParcelCount() > 1 && ParcelOf(order, entry) is { Items.Count: > 0 } parcel
            ? "\n\n" + string.Join("\n", parcel.Items.Select(i => $"  {i.Quantity} x {order.Pricing.Lines.FirstOrDefault(l => l.Sku == i.Sku)?.Name ?? i.Sku} ({i.Sku})"))
            : "";

    private static string Tracking(Order order, OrderHistoryEntry entry) =>
        ParcelOf(order, entry) is { } p ? $"  Tracking number: {p.TrackingNumber}\n  Follow it here:  {p.TrackingUrl}" : "";

    /// <summary>The order's price breakdown as a plain-text table: each line with its discounts, then the totals.</summary>
    public static string Breakdown(Order order)
    {
        var p = order.Pricing;
        var rows = new List<(string Label, string Amount)>();
        foreach (var line in p.Lines)
        {
            rows.Add(($"{line.Quantity} x {line.Name} ({line.Sku})", Format(line.ListTotal)));
            foreach (var discount in line.Discounts)
                rows.Add(($"    {discount.Name}{(discount.Code is null ? "" : $" ({discount.Code})")}", Format(Negate(discount.Amount))));
        }
        rows.Add(("", ""));
        rows.Add(("Subtotal", Format(p.Subtotal)));
        if (p.DiscountTotal.Amount != 0) rows.Add(("Discounts", Format(Negate(p.DiscountTotal))));
        var shipping = p.ShippingFee.Amount - p.ShippingDiscount.Amount;
        rows.Add(("Shipping", shipping == 0 ? "free" : Format(new Money(shipping, p.Currency))));
        rows.Add((p.PricesIncludeTax ? "Tax (included)" : "Tax", Format(p.TaxTotal)));
        rows.Add(("Total", Format(p.Total)));

        var width = Math.Max(rows.Max(r => r.Label.Length), 20) + 2;
        var text = new StringBuilder($"Order {order.Number}\n\n");
        foreach (var (label, amount) in rows)
            text.Append(label.Length == 0 ? "" : label.PadRight(width) + amount.PadLeft(14)).Append('\n');
        return text.ToString();
    }

    /// <summary>An amount with exactly the currency's minor digits: "19.90 EUR", "1200 JPY".</summary>
    public static string Format(Money money) =>
        money.Amount.ToString("F" + Currencies.MinorDigits(money.Currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + money.Currency;

    private static Money Negate(Money money) => money with { Amount = -Math.Abs(money.Amount) };

    private static string Day(DateTimeOffset at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
