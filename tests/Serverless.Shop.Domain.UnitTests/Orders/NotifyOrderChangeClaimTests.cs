using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>
/// Two copies of one order-event message (a replayed command enqueues its entry's message again) can be handled at the
/// same moment. The email claim on the order makes one of them the sender: the other waits for it and sends nothing,
/// unless the sender dies, when the claim's lease runs out and the email still goes out once.
/// </summary>
public sealed class NotifyOrderChangeClaimTests
{
    private readonly OrderTestBed _bed = new();
    private readonly GatedEmailSender _email = new();
    private readonly RecordingIntegrationEvents _events = new();
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private NotifyOrderChange Notify => new(_bed.Store, _email, _events, _bed.Settings, _bed.Clock);

    private async Task<OrderChanged> PaidMessageAsync()
    {
        await _bed.InStatusAsync(OrderStatus.Paid);
        return _bed.Messages.Single(m => m.Change == OrderChange.Paid);
    }

    [Fact]
    public async Task Two_copies_of_one_message_handled_at_once_send_the_email_once()
    {
        var paid = await PaidMessageAsync();
        _email.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = Notify.HandleAsync(paid, Ct);
        await _email.Entered.Task.WaitAsync(Patience);
        // The second copy reads the order while the first is inside the send: the email is not recorded yet.
        var second = Notify.HandleAsync(paid, Ct);
        await Task.Delay(300);
        _email.Gate.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Patience);

        _email.Attempts.ShouldBe(1);
        _email.Sent.Select(m => m.Subject).ShouldBe([$"Order {paid.Number} confirmed"]);
        _bed.Stored(paid.Number).NotifiedSequences.ShouldBe([paid.Sequence]);
        _bed.Stored(paid.Number).EmailClaims.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_claim_left_by_a_copy_that_died_holds_the_email_until_its_lease_runs_out_then_it_goes_once()
    {
        var paid = await PaidMessageAsync();
        var other = new EmailClaim(paid.Sequence + 100, _bed.Clock.Now + TimeSpan.FromMinutes(5));
        _bed.Store.Overwrite(_bed.Stored(paid.Number) with
        {
            EmailClaims = [new EmailClaim(paid.Sequence, _bed.Clock.Now + Notify.EmailClaimLease), other],
        });

        var redelivered = Notify.HandleAsync(paid, Ct);
        await Task.Delay(500);
        _email.Attempts.ShouldBe(0);
        redelivered.IsCompleted.ShouldBeFalse();

        _bed.Clock.Advance(Notify.EmailClaimLease);
        await redelivered.WaitAsync(Patience);

        _email.Sent.Count.ShouldBe(1);
        _bed.Stored(paid.Number).NotifiedSequences.ShouldBe([paid.Sequence]);
        _bed.Stored(paid.Number).EmailClaims.ShouldBe([other]);
    }

    [Fact]
    public async Task A_copy_waiting_on_a_claim_sends_nothing_when_the_claimant_records_the_email()
    {
        var paid = await PaidMessageAsync();
        _bed.Store.Overwrite(_bed.Stored(paid.Number) with
        {
            EmailClaims = [new EmailClaim(paid.Sequence, _bed.Clock.Now + Notify.EmailClaimLease)],
        });

        var waiting = Notify.HandleAsync(paid, Ct);
        await Task.Delay(300);
        // The claimant finishes: its record lands and its claim goes.
        _bed.Store.Overwrite(_bed.Stored(paid.Number) with { NotifiedSequences = [paid.Sequence], EmailClaims = [] });
        await waiting.WaitAsync(Patience);

        _email.Attempts.ShouldBe(0);
        _events.Published.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_failed_send_hands_the_claim_back_so_the_queue_retry_sends_without_waiting_for_the_lease()
    {
        var paid = await PaidMessageAsync();
        _email.FailNext = true;

        await Should.ThrowAsync<InvalidOperationException>(() => Notify.HandleAsync(paid, Ct));
        _bed.Stored(paid.Number).EmailClaims.ShouldBeEmpty();

        // The clock does not move: a claim still held would keep this retry waiting past the test's patience.
        await Notify.HandleAsync(paid, Ct).WaitAsync(Patience);

        _email.Sent.Count.ShouldBe(1);
        _bed.Stored(paid.Number).NotifiedSequences.ShouldBe([paid.Sequence]);
    }

    [Fact]
    public async Task A_change_with_no_email_claims_nothing_and_costs_no_write_for_it()
    {
        await _bed.InStatusAsync(OrderStatus.Paid);
        var placed = _bed.Messages.Single(m => m.Change == OrderChange.Placed);
        var savesBefore = _bed.Store.Saves;

        await Notify.HandleAsync(placed, Ct);

        // One write: the event's record. An email claim would be a second.
        (_bed.Store.Saves - savesBefore).ShouldBe(1);
        _bed.Stored(placed.Number).EmailClaims.ShouldBeEmpty();
    }

    /// <summary>Records what it sends; <see cref="Gate"/> holds a send inside the provider call, <see cref="FailNext"/> fails one.</summary>
    private sealed class GatedEmailSender : IEmailSender
    {
        private readonly List<EmailMessage> _sent = [];
        private int _attempts;
        public TaskCompletionSource? Gate { get; set; }
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool FailNext { get; set; }
        public int Attempts => Volatile.Read(ref _attempts);

        public IReadOnlyList<EmailMessage> Sent
        {
            get { lock (_sent) return [.. _sent]; }
        }

        public async Task SendAsync(EmailMessage message, CancellationToken ct)
        {
            Interlocked.Increment(ref _attempts);
            Entered.TrySetResult();
            if (Gate is { } gate) await gate.Task.WaitAsync(ct);
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("SendGrid answered 503.");
            }
            lock (_sent) _sent.Add(message);
        }
    }
}
