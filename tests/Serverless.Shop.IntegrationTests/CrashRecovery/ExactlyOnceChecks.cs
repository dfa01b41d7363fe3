using System.Text.Json;
using Azure.Storage.Queues;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.CrashRecovery;

/// <summary>One guarantee checked after a crash and a restart: what it is, whether it held, and what was seen.</summary>
public sealed record Check(string Guarantee, bool Held, string Seen);

/// <summary>
/// What "exactly once" means for one checkout, read where each effect lands: the provider simulator's own records (its
/// state file), the inventory and the coupon's counters (through the API), the order and its history, the mailbox
/// files, and the integration-events queue. Every check names what it saw, so a failing case says what went wrong.
/// </summary>
/// <remarks>
/// Emails are the one effect the shop sends at least once rather than exactly once: no email provider takes an
/// idempotency key, so a process killed between the provider taking an email and the order recording it sends that
/// email again (docs/checkout.md#known-limits). The mail check allows exactly that and nothing more: a second copy of
/// one email, only when the first was written within <see cref="SendToRecordWindow"/> before the kill.
/// </remarks>
public sealed class ExactlyOnceChecks(CrashShopper shopper, CrashCase crashCase, string dataDirectory, IntegrationEventLog events, DateTimeOffset? killedAt = null)
{
    /// <summary>How long before the kill an email's record may still have been unwritten: one Cosmos DB write, generously.</summary>
    public static readonly TimeSpan SendToRecordWindow = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<Check>> RunAsync(CrashOrder order)
    {
        if (order.Number is not { } number)
            return [new Check("one order", false, "no order was found for the buyer's email")];
        var checks = new List<Check>();
        var current = await shopper.OrderAsync(number);
        var status = current.GetProperty("status").GetString();
        var total = current.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal();
        var history = current.GetProperty("history").EnumerateArray()
            .Select(h => (Sequence: h.GetProperty("sequence").GetInt64(), Change: h.GetProperty("change").GetString()!)).ToList();
        var changes = string.Join(", ", history.Select(h => h.Change));

        var expectedStatus = crashCase.EndsCancelled ? "cancelled" : "processing";
        checks.Add(new Check($"one order, {expectedStatus}", status == expectedStatus,
            $"{status}{(current.TryGetProperty("cancellationReason", out var reason) && reason.ValueKind == JsonValueKind.String ? $" ({reason.GetString()})" : "")}"));
        var repeated = history.GroupBy(h => h.Change).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        var required = crashCase.EndsCancelled ? new[] { "placed", "paid", "cancelled", "refunded" } : ["placed", "paid", "shipmentCreated"];
        var missing = required.Except(history.Select(h => h.Change)).ToList();
        checks.Add(new Check("each order change once", repeated.Count == 0 && missing.Count == 0,
            $"[{changes}]{(repeated.Count > 0 ? $"; twice: {string.Join(", ", repeated)}" : "")}{(missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : "")}"));

        checks.Add(MoneyCheck(number, total, current));

        var stock = await shopper.StockAsync(order.Sku);
        var onHand = stock.GetProperty("totalOnHand").GetInt32();
        var reserved = stock.GetProperty("reserved").GetInt32();
        var expectedOnHand = CrashOrder.UnitsInStock - (crashCase.EndsCancelled ? 0 : CrashOrder.Quantity);
        checks.Add(new Check(crashCase.EndsCancelled ? "stock released, nothing committed" : "stock committed once, no reservation left",
            onHand == expectedOnHand && reserved == 0, $"on hand {onHand} (expected {expectedOnHand}), reserved {reserved}"));

        var usage = await shopper.UsageAsync(order.PromotionId);
        var held = usage.GetProperty("held").GetInt32();
        var redeemed = usage.GetProperty("redeemed").GetInt32();
        var expectedRedeemed = crashCase.EndsCancelled ? 0 : 1;
        checks.Add(new Check(crashCase.EndsCancelled ? "coupon use given back" : "coupon use counted once",
            held == 0 && redeemed == expectedRedeemed, $"held {held}, redeemed {redeemed} (expected {expectedRedeemed}) of {CrashOrder.CouponLimit}"));

        if (!crashCase.EndsCancelled)
        {
            var cartLeft = await shopper.CartExistsAsync(order);
            checks.Add(new Check("cart closed", !cartLeft, cartLeft ? "the cart is still there" : "gone"));
        }

        var mails = Mailbox(number);
        // A repeat is the kill's only when there are exactly two copies and the first was written just before the kill.
        var killRepeats = mails.GroupBy(m => m.Subject).Where(g => g.Count() == 2 && killedAt is { } at
                && g.Min(m => m.WrittenAt) is var first && first <= at && at - first <= SendToRecordWindow)
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var subjects = mails.Select(m => m.Subject).ToList();
        int Sent(string subject) => subjects.Count(s => s == subject) - (killRepeats.Contains(subject) ? 1 : 0);
        var mailOk = Sent($"Order {number} confirmed") == 1 && subjects.Distinct().All(s => Sent(s) == 1)
            && (!crashCase.EndsCancelled || (Sent($"Order {number} was cancelled") == 1 && Sent($"Refund issued for order {number}") == 1));
        checks.Add(new Check(crashCase.EndsCancelled ? "one confirmation, one cancellation, one refund email" : "one confirmation email", mailOk,
            (subjects.Count == 0 ? "no email" : string.Join("; ", subjects))
            + (killRepeats.Count > 0 ? $" (sent again after the kill landed between its send and its record: {string.Join(", ", killRepeats)})" : "")));

        var published = events.For(number);
        var perSequence = published.GroupBy(e => e.Sequence).ToDictionary(g => g.Key, g => g.Select(e => e.Id).Distinct().Count());
        var unmatched = history.Where(h => perSequence.GetValueOrDefault(h.Sequence) != 1).Select(h => $"{h.Change}: {perSequence.GetValueOrDefault(h.Sequence)}").ToList();
        var strays = perSequence.Keys.Except(history.Select(h => h.Sequence)).ToList();
        checks.Add(new Check("one integration event per change", unmatched.Count == 0 && strays.Count == 0,
            $"{published.Count} published ({published.Select(e => e.Id).Distinct().Count()} distinct) for {history.Count} changes"
            + (unmatched.Count > 0 ? $"; not once: {string.Join(", ", unmatched)}" : "") + (strays.Count > 0 ? $"; for no change: {string.Join(", ", strays)}" : "")));
        return checks;
    }

    // Exactly one charge at the provider (and, when the checkout fails, exactly one refund of all of it).
    private Check MoneyCheck(string number, decimal total, JsonElement current)
    {
        var payment = current.TryGetProperty("payment", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
        var captured = payment?.GetProperty("capturedAmount").GetProperty("amount").GetDecimal() ?? 0m;
        var refunded = payment?.GetProperty("refundedAmount").GetProperty("amount").GetDecimal() ?? 0m;
        if (crashCase.PaysByCard)
        {
            var state = CardSimulatorState();
            var charges = state.Payments.Where(c => c.OrderId == number).ToList();
            var refunds = state.Refunds.Where(r => charges.Any(c => c.Id == r.PaymentId)).ToList();
            var taken = charges.Where(c => c.Status == SimulatedPaymentStatus.Succeeded).ToList();
            var seen = $"{charges.Count} charge(s) [{string.Join(", ", charges.Select(c => $"{c.Status} {c.Amount.Amount}"))}], {refunds.Count} refund(s) [{string.Join(", ", refunds.Select(r => r.Amount.Amount))}]; order captured {captured}, refunded {refunded}";
            return crashCase.EndsCancelled
                ? new Check("one charge, one full refund", charges.Count == 1 && taken.Count == 1 && refunds.Count == 1 && refunds[0].Amount.Amount == total && refunded == total, seen)
                : new Check("one charge, no refund", charges.Count == 1 && taken.Count == 1 && taken[0].Amount.Amount == total && refunds.Count == 0 && captured == total, seen);
        }
        if (crashCase.Scenario == CrashScenario.Wallet)
        {
            // The local wallet's own records (its state file under the host's data directory): one session per charge.
            var sessions = WalletSessions().Where(w => w.GetProperty("orderId").GetString() == number).ToList();
            var approved = sessions.Count(w => w.GetProperty("state").GetString() == "approved");
            var walletRefunded = sessions.Sum(w => w.GetProperty("refunded").GetDecimal());
            return new Check("one wallet payment, no refund", sessions.Count == 1 && approved == 1 && walletRefunded == 0m && captured == total,
                $"{sessions.Count} session(s) [{string.Join(", ", sessions.Select(w => $"{w.GetProperty("state").GetString()} {w.GetProperty("amount").GetProperty("amount").GetDecimal()}"))}], refunded {walletRefunded}; order captured {captured}, refunded {refunded}");
        }
        // A bank transfer has no provider record here (the bank's statement is outside the shop): the order's payment is the record.
        var description = $"order captured {captured} of {total}, refunded {refunded}";
        return new Check("paid once, no refund", captured == total && refunded == 0m, description);
    }

    private CardState CardSimulatorState()
    {
        var file = Path.Combine(dataDirectory, "card-simulator", "payments.json");
        return File.Exists(file) ? JsonSerializer.Deserialize<CardState>(File.ReadAllText(file), ShopJson.Options) ?? new CardState([], []) : new CardState([], []);
    }

    private List<JsonElement> WalletSessions()
    {
        var file = Path.Combine(dataDirectory, "wallet-simulator", "sessions.json");
        if (!File.Exists(file)) return [];
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.GetProperty("sessions").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>The emails about the order: subject, and when the local mailbox wrote them (the file name starts with it, UTC).</summary>
    private List<(string Subject, DateTimeOffset WrittenAt)> Mailbox(string number)
    {
        var folder = Path.Combine(dataDirectory, "mailbox");
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "*.eml")
            .Select(f => (Subject: File.ReadLines(f).FirstOrDefault(l => l.StartsWith("Subject: ", StringComparison.Ordinal))?["Subject: ".Length..],
                WrittenAt: DateTimeOffset.ParseExact(Path.GetFileName(f)[..19], "yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal)))
            .Where(m => m.Subject is not null && m.Subject.Contains(number, StringComparison.Ordinal))
            .Select(m => (m.Subject!, m.WrittenAt))
            .OrderBy(m => m.Item1, StringComparer.Ordinal)
            .ToList();
    }

    private sealed record CardState(List<SimulatedPayment> Payments, List<SimulatedRefund> Refunds);
}

/// <summary>One integration event as published to the local integration-events queue.</summary>
public sealed record PublishedEvent(string Id, string Type, string Subject, long Sequence);

/// <summary>
/// Everything a slot's host published on the integration-events queue (nothing in the shop consumes it locally), read
/// off the queue and kept, so each case finds its own order's events however many cases ran before.
/// </summary>
public sealed class IntegrationEventLog(string storageConnectionString)
{
    private readonly QueueClient _queue = new QueueServiceClient(storageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None })
        .GetQueueClient(LocalQueueIntegrationEvents.QueueName);

    private readonly List<PublishedEvent> _events = [];

    public IReadOnlyList<PublishedEvent> For(string number)
    {
        lock (_events) return _events.Where(e => e.Subject == number).ToList();
    }

    /// <summary>Takes whatever is on the queue now into the log.</summary>
    public async Task DrainAsync()
    {
        if (!(await _queue.ExistsAsync()).Value) return;
        while (true)
        {
            var messages = (await _queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
            if (messages.Length == 0) return;
            foreach (var message in messages)
            {
                using var json = JsonDocument.Parse(message.Body.ToString());
                var root = json.RootElement;
                var published = new PublishedEvent(root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!, root.GetProperty("subject").GetString()!,
                    root.GetProperty("data").GetProperty("sequence").GetInt64());
                lock (_events) _events.Add(published);
                await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }
}
