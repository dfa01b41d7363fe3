using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Loyalty;

/// <summary>
/// The points ledger follows order changes as a reaction of <see cref="NotifyOrderChange"/>: a failing ledger never
/// holds back the email or the integration event, is retried by the redelivery, and earns once however often it runs.
/// </summary>
public sealed class PointsReactionTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OrderTestBed _bed = new();
    private readonly RecordingEmailSender _email = new();
    private readonly RecordingIntegrationEvents _events = new();
    private readonly FlakyPointsStore _points = new();

    private NotifyOrderChange Notify => new(_bed.Store, _email, _events, _bed.Settings, _bed.Clock,
        [new PointsLedger(_points, new LoyaltySettings(1m, 365, 30), _bed.Clock)]);

    [Fact]
    public async Task A_failing_ledger_does_not_hold_back_the_email_or_the_event_and_earns_once_on_redelivery()
    {
        await _bed.InStatusAsync(OrderStatus.Paid);
        var paid = _bed.Messages.Single(m => m.Change == OrderChange.Paid);
        _points.FailuresLeft = 1;

        await Should.ThrowAsync<TimeoutException>(() => Notify.HandleAsync(paid, Ct));
        _email.Sent.Count.ShouldBe(1);
        _events.Published.Count.ShouldBe(1);
        _points.Saved.ShouldBeNull();

        await Notify.HandleAsync(paid, Ct);
        await Notify.HandleAsync(paid, Ct);

        _email.Sent.Count.ShouldBe(1, "the redelivery retried only the points");
        _events.Published.Count.ShouldBe(1);
        _points.Saves.ShouldBe(1, "the second redelivery found nothing to change");
        _points.Saved!.Pending.ShouldBe(46);
    }

    private sealed class FlakyPointsStore : IPointsAccountStore
    {
        public int FailuresLeft { get; set; }
        public PointsAccount? Saved { get; private set; }
        public int Saves { get; private set; }
        private int _version;

        public Task<Versioned<PointsAccount>?> FindAsync(string customerId, CancellationToken ct)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new TimeoutException("Cosmos DB did not answer.");
            }
            return Task.FromResult(Saved is null ? null : new Versioned<PointsAccount>(Saved, _version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        public Task SaveAsync(PointsAccount account, string? expectedVersion, CancellationToken ct)
        {
            if (expectedVersion != (Saved is null ? null : _version.ToString(System.Globalization.CultureInfo.InvariantCulture))) throw new StaleVersionException("Points account");
            Saved = account;
            _version++;
            Saves++;
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);
    }
}
