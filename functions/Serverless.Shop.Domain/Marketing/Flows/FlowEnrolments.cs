using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Flows;

public enum EnrolmentStatus
{
    /// <summary>Steps are still to come.</summary>
    Active,
    /// <summary>Every step was sent (or claimed: see <see cref="SendFlowSteps"/>).</summary>
    Completed,
    /// <summary>Stopped before the last step: consent lost, no address any more, the flow's own stop condition (see <see cref="FlowEnrolment.StopReason"/>).</summary>
    Stopped,
}

/// <summary>
/// One person in one flow: who (<see cref="Key"/>, the blind index of their address, and their customer id when they
/// have one; never the address itself, which is read at each send from their profile or newsletter subscription), since
/// when (<see cref="EnteredAt"/>, the moment every step's delay counts from) and how far (<see cref="StepsSent"/>).
/// A flow a person can enter more than once (win-back) names each entry by its <see cref="Spell"/>; the others have one
/// enrolment per person, ever.
/// </summary>
public sealed record FlowEnrolment
{
    public required string FlowId { get; init; }
    public required string Key { get; init; }

    /// <summary>Which entry of the person this is (win-back: their last order at entry); null for a flow one enters once.</summary>
    public string? Spell { get; init; }

    public string? CustomerId { get; init; }
    public required DateTimeOffset EnteredAt { get; init; }
    public int StepsSent { get; init; }
    public EnrolmentStatus Status { get; init; } = EnrolmentStatus.Active;
    public string? StopReason { get; init; }

    /// <summary>When the last step was claimed (and sent), or the enrolment stopped or completed.</summary>
    public DateTimeOffset? LastChangedAt { get; init; }
}

/// <summary>Who is in which flow (container <c>marketing-flows</c>, one document per enrolment).</summary>
public interface IFlowEnrolments
{
    /// <summary>Creates the enrolment; false when it exists already (the same flow, person and spell): enrolling twice is harmless.</summary>
    Task<bool> EnrolAsync(FlowEnrolment enrolment, CancellationToken ct);

    /// <summary>
    /// The flow's active enrolments with a step due, a query page at a time: those with <c>i</c> steps sent that entered
    /// at or before <paramref name="enteredBy"/>[i] (now less step i+1's delay), and those with at least
    /// <paramref name="enteredBy"/>.Count steps sent (the flow lost steps since: they are closed).
    /// </summary>
    IAsyncEnumerable<Versioned<FlowEnrolment>> ListDueAsync(string flowId, IReadOnlyList<DateTimeOffset> enteredBy, CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="next"/>'s progress (steps sent, status, stop reason, last change) only over
    /// <paramref name="current"/>'s version: false when someone else changed or removed it first (the claim is lost).
    /// </summary>
    Task<bool> TryUpdateAsync(Versioned<FlowEnrolment> current, FlowEnrolment next, CancellationToken ct);

    /// <summary>Every enrolment of a customer, in any flow (their data export).</summary>
    Task<IReadOnlyList<FlowEnrolment>> ListByCustomerAsync(string customerId, CancellationToken ct);

    /// <summary>Removes every enrolment of a customer (erasure); nothing to remove is fine.</summary>
    Task DeleteByCustomerAsync(string customerId, CancellationToken ct);
}

/// <summary>A flow's own reason to stop someone's series before its last step (win-back: they ordered again).</summary>
public interface IFlowStopCondition
{
    /// <returns>The reason to stop (kept on the enrolment), or null to go on.</returns>
    Task<string?> ReasonToStopAsync(FlowEnrolment enrolment, CancellationToken ct);
}

/// <summary>What one run of a flow over enrolments did.</summary>
/// <param name="Enrolled">People who entered the flow in this run (win-back; the welcome series enrols at sign-up).</param>
/// <param name="Sent">Steps sent.</param>
/// <param name="Completed">Enrolments closed without a send because the flow has fewer steps now than they had received.</param>
/// <param name="Stopped">Enrolments stopped, by reason.</param>
/// <param name="ClaimsLost">Enrolments another run (or a change) wrote first: this run left them alone.</param>
/// <param name="Failed">Steps claimed whose email did not render: skipped (the marketer sees the failure in the log).</param>
public sealed record FlowRun(int Enrolled, int Sent, int Completed, IReadOnlyDictionary<string, int> Stopped, int ClaimsLost, int Failed)
{
    public static readonly FlowRun Off = new(0, 0, 0, new Dictionary<string, int>(), 0, 0);
}
