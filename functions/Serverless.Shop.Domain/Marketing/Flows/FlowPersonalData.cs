using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>One flow a customer is or was in, as their data export shows it.</summary>
public sealed record FlowEnrolmentExport(string FlowId, DateTimeOffset EnteredAt, int StepsSent, string Status, string? StopReason);

/// <summary>
/// The flows' share of a customer's data: their enrolments (which flows, since when, how far). An enrolment holds no
/// address (only its blind index and the customer id), so erasure deletes the customer's enrolments outright.
/// Tests: WinBackFlowTests.Erasing_a_customer_removes_their_enrolments_and_the_export_lists_them_first, WinBackFlowApiTests, CosmosFlowEnrolmentsTests.
/// </summary>
public sealed class FlowPersonalData(IFlowEnrolments enrolments) : IPersonalDataExportSection, IPersonalDataCleanup
{
    public string Name => "marketingFlows";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct)
    {
        var found = await enrolments.ListByCustomerAsync(customerId, ct);
        return found.Count == 0 ? null
            : found.OrderBy(e => e.EnteredAt).Select(e => new FlowEnrolmentExport(e.FlowId, e.EnteredAt, e.StepsSent, e.Status.ToString().ToLowerInvariant(), e.StopReason)).ToList();
    }

    public Task CleanUpAsync(string customerId, CancellationToken ct) => enrolments.DeleteByCustomerAsync(customerId, ct);
}
