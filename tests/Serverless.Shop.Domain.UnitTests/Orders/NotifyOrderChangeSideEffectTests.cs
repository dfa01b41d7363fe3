using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>
/// The email and the integration event of an order change retry on their own: one failing never holds back the
/// other, and each happens once however often the queue delivers the message.
/// </summary>
public sealed class NotifyOrderChangeSideEffectTests
{
    private readonly OrderTestBed _bed = new();
    private readonly FlakyEmailSender _email = new();
    private readonly FlakyIntegrationEvents _events = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private NotifyOrderChange Notify => new(_bed.Store, _email, _events, _bed.Settings, _bed.Clock);

    private async Task<OrderChanged> PaidMessageAsync()
    {
        await _bed.InStatusAsync(OrderStatus.Paid);
        return _bed.Messages.Single(m => m.Change == OrderChange.Paid);
    }

    [Fact]
    public async Task A_failing_email_sender_does_not_stop_the_event_being_published()
    {
        var paid = await PaidMessageAsync();
        _email.FailuresLeft = int.MaxValue;

        // The queue sees the failure (so it redelivers), but the event is out and recorded.
        await Should.ThrowAsync<EmailUnavailableException>(() => Notify.HandleAsync(paid, Ct));

        _events.Published.Select(e => (e.Type, e.Id)).ShouldBe([("order.paid", paid.MessageId)]);
        _email.Sent.ShouldBeEmpty();
        _bed.Stored(paid.Number).PublishedSequences.ShouldBe([paid.Sequence]);
        _bed.Stored(paid.Number).NotifiedSequences.ShouldBeEmpty();
    }

    [Fact]
    public async Task Redeliveries_while_email_fails_retry_only_the_email_and_send_it_once_it_works()
    {
        var paid = await PaidMessageAsync();
        _email.FailuresLeft = 2;

        await Should.ThrowAsync<EmailUnavailableException>(() => Notify.HandleAsync(paid, Ct));
        await Should.ThrowAsync<EmailUnavailableException>(() => Notify.HandleAsync(paid, Ct));
        await Notify.HandleAsync(paid, Ct);
        await Notify.HandleAsync(paid, Ct);

        _email.Attempts.ShouldBe(3);
        _email.Sent.Select(m => m.Subject).ShouldBe([$"Order {paid.Number} confirmed"]);
        _events.Attempts.ShouldBe(1);
        _events.Published.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_failing_publish_does_not_stop_the_email_and_is_retried_alone()
    {
        var paid = await PaidMessageAsync();
        _events.FailuresLeft = 1;

        await Should.ThrowAsync<TopicUnavailableException>(() => Notify.HandleAsync(paid, Ct));
        _email.Sent.Count.ShouldBe(1);
        _events.Published.ShouldBeEmpty();

        await Notify.HandleAsync(paid, Ct);

        _email.Sent.Count.ShouldBe(1);
        _events.Published.Select(e => e.Id).ShouldBe([paid.MessageId]);
        _bed.Stored(paid.Number).NotifiedSequences.ShouldBe([paid.Sequence]);
        _bed.Stored(paid.Number).PublishedSequences.ShouldBe([paid.Sequence]);
    }

    [Fact]
    public async Task When_both_fail_the_queue_is_told_about_both_and_the_next_delivery_does_both_once()
    {
        var paid = await PaidMessageAsync();
        _email.FailuresLeft = 1;
        _events.FailuresLeft = 1;

        var failure = await Should.ThrowAsync<AggregateException>(() => Notify.HandleAsync(paid, Ct));
        failure.InnerExceptions.Select(e => e.GetType()).ShouldBe([typeof(TopicUnavailableException), typeof(EmailUnavailableException)], ignoreOrder: true);
        _bed.Stored(paid.Number).PublishedSequences.ShouldBeEmpty();
        _bed.Stored(paid.Number).NotifiedSequences.ShouldBeEmpty();

        await Notify.HandleAsync(paid, Ct);
        await Notify.HandleAsync(paid, Ct);

        _email.Sent.Count.ShouldBe(1);
        _events.Published.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_change_with_no_email_is_published_once_across_redeliveries()
    {
        await _bed.InStatusAsync(OrderStatus.Paid);
        var placed = _bed.Messages.Single(m => m.Change == OrderChange.Placed);

        await Notify.HandleAsync(placed, Ct);
        await Notify.HandleAsync(placed, Ct);

        _email.Sent.ShouldBeEmpty();
        _events.Published.Select(e => (e.Type, e.Id)).ShouldBe([("order.placed", placed.MessageId)]);
        _bed.Stored(placed.Number).PublishedSequences.ShouldBe([placed.Sequence]);
    }

    [Fact]
    public async Task Recording_survives_a_concurrent_change_of_the_order()
    {
        var paid = await PaidMessageAsync();
        // Someone else changes the order between our read and our write: the record is retried on the new version.
        _email.OnSend = () => _bed.Orders.CancelAsync(paid.Number, "Customer asked", OrderTestBed.Support, Ct);

        await Notify.HandleAsync(paid, Ct);

        var stored = _bed.Stored(paid.Number);
        stored.Status.ShouldBe(OrderStatus.Cancelled);
        stored.NotifiedSequences.ShouldBe([paid.Sequence]);
        stored.PublishedSequences.ShouldBe([paid.Sequence]);
    }

    [Fact]
    public async Task When_the_record_is_lost_the_repeated_event_has_the_same_id_for_the_topic_to_drop()
    {
        await _bed.InStatusAsync(OrderStatus.Paid);
        var placed = _bed.Messages.Single(m => m.Change == OrderChange.Placed);
        // The process dies (here: Cosmos DB does not answer) after the publish and before its record.
        _bed.Store.BeforeNextSave = () => throw new TimeoutException("Cosmos DB did not answer.");

        await Should.ThrowAsync<TimeoutException>(() => Notify.HandleAsync(placed, Ct));
        await Notify.HandleAsync(placed, Ct);

        // Published twice, as one event: Service Bus duplicate detection drops the second (ConsistencyTemplateTests).
        _events.Published.Select(e => e.Id).ShouldBe([placed.MessageId, placed.MessageId]);
        _bed.Stored(placed.Number).PublishedSequences.ShouldBe([placed.Sequence]);
    }

    private sealed class EmailUnavailableException() : Exception("SendGrid answered 503.");

    private sealed class TopicUnavailableException() : Exception("Service Bus is unavailable.");

    /// <summary>Fails its first <see cref="FailuresLeft"/> sends, then records what it sends.</summary>
    private sealed class FlakyEmailSender : IEmailSender
    {
        private readonly List<EmailMessage> _sent = [];
        public int FailuresLeft { get; set; }
        public int Attempts { get; private set; }
        public Func<Task>? OnSend { get; set; }
        public IReadOnlyList<EmailMessage> Sent => _sent;

        public async Task SendAsync(EmailMessage message, CancellationToken ct)
        {
            Attempts++;
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new EmailUnavailableException();
            }
            if (OnSend is { } onSend) await onSend();
            _sent.Add(message);
        }
    }

    /// <summary>Fails its first <see cref="FailuresLeft"/> publishes, then records what it publishes.</summary>
    private sealed class FlakyIntegrationEvents : IIntegrationEvents
    {
        private readonly List<IntegrationEvent> _published = [];
        public int FailuresLeft { get; set; }
        public int Attempts { get; private set; }
        public IReadOnlyList<IntegrationEvent> Published => _published;

        public Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken ct)
        {
            Attempts++;
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new TopicUnavailableException();
            }
            _published.Add(integrationEvent);
            return Task.CompletedTask;
        }
    }
}
