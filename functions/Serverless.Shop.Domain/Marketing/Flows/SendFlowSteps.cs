using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>
/// Sends the due steps of a flow over enrolments (the welcome series, win-back). For each enrolment with a step due
/// under the settings read at the start of the run: find the person's address now (their profile, else their newsletter
/// subscription), check they may still be mailed (<see cref="IMarketingAudience.MaySendAsync"/>) and the flow's stop
/// condition, and stop the enrolment when not; otherwise CLAIM the step (a write conditional on the enrolment's
/// version: steps sent + 1) and only then send it through <see cref="FlowEmails"/>.
/// <para>
/// So each step goes out at most once: of two runs at once, only the one whose claim lands sends; a run killed between
/// the claim and the send skips that step for that person rather than repeat it (as the abandoned-cart flow does).
/// The due steps are found from each enrolment's entry time and the settings' delays as they are now, so changing a
/// flow's steps applies at once to every step not yet sent. Tests: SendFlowStepsTests.
/// </para>
/// </summary>
public sealed class SendFlowSteps(
    IFlowEnrolments enrolments, IMarketingAudience audience, ICustomerProfileStore profiles, INewsletterSubscriberStore subscribers,
    IPersonalDataVault vault, FlowEmails emails, StorefrontSite storefront, TimeProvider clock)
{
    public static class StopReasons
    {
        public const string NoAddress = "no-address";
        public const string NoConsent = "no-email-consent";
    }

    /// <param name="enrolled">How many entered the flow earlier in this run (reported with the rest).</param>
    /// <exception cref="Common.NotConfiguredException">The storefront's address is not configured: nothing is claimed or sent.</exception>
    public async Task<FlowRun> SendDueAsync(FlowDefinition flow, FlowSettings settings, IFlowStopCondition? stop, int enrolled, CancellationToken ct)
    {
        if (!settings.Enabled || settings.Steps.Count == 0) return FlowRun.Off with { Enrolled = enrolled };
        // Every step links to the storefront: fail the run before claiming anything rather than claim steps that cannot be sent.
        _ = storefront.Settings.PublicBaseUrl;

        var now = clock.GetUtcNow();
        int sent = 0, completed = 0, lost = 0, failed = 0;
        var stopped = new Dictionary<string, int>(StringComparer.Ordinal);
        var enteredBy = settings.Steps.Select(s => now - s.Delay).ToList();

        await foreach (var current in enrolments.ListDueAsync(flow.FlowId, enteredBy, ct))
        {
            var enrolment = current.Value;
            var number = enrolment.StepsSent + 1;
            if (number > settings.Steps.Count)
            {
                // The marketer removed steps this person had not reached: their series is over.
                if (await enrolments.TryUpdateAsync(current, enrolment with { Status = EnrolmentStatus.Completed, LastChangedAt = now }, ct)) completed++;
                else lost++;
                continue;
            }
            if (settings.DueAt(enrolment.EnteredAt, number) > now) continue;

            var recipient = await RecipientAsync(enrolment, ct);
            var reason = recipient is null ? StopReasons.NoAddress
                : !await audience.MaySendAsync(recipient.Email, ct) ? StopReasons.NoConsent
                : stop is null ? null : await stop.ReasonToStopAsync(enrolment, ct);
            if (reason is not null)
            {
                if (await enrolments.TryUpdateAsync(current, enrolment with { Status = EnrolmentStatus.Stopped, StopReason = reason, LastChangedAt = now }, ct))
                    stopped[reason] = stopped.GetValueOrDefault(reason) + 1;
                else lost++;
                continue;
            }

            var step = settings.Steps[number - 1];
            var claimed = enrolment with
            {
                StepsSent = number,
                Status = number == settings.Steps.Count ? EnrolmentStatus.Completed : EnrolmentStatus.Active,
                LastChangedAt = now,
            };
            if (!await enrolments.TryUpdateAsync(current, claimed, ct))
            {
                lost++;
                continue;
            }

            try
            {
                // A flow over enrolments always has a message per step (its definition says MessageEditable).
                var message = step.Message ?? throw new TemplateRenderException("steps", $"Step {number} of {flow.FlowId} has no message.");
                await emails.SendAsync(flow, number, message, recipient!, null, ct);
                sent++;
            }
            catch (TemplateRenderException)
            {
                // Claimed, so skipped for this person: a template that rendered for the samples at save failed for them.
                failed++;
            }
        }
        return new FlowRun(enrolled, sent, completed, stopped, lost, failed);
    }

    /// <summary>
    /// The person's address as it is now: their profile's for a customer, else their newsletter subscription's. The key
    /// is the blind index of that address, so the unsubscribe link suppresses the address the email went to.
    /// </summary>
    private async Task<MarketingRecipient?> RecipientAsync(FlowEnrolment enrolment, CancellationToken ct)
    {
        if (enrolment.CustomerId is { } customerId && (await profiles.FindAsync(customerId, ct))?.Value is { } profile && IsAddress(profile.Email))
        {
            var key = await vault.BlindIndexAsync(BlindIndexKind.Email, profile.Email!, ct);
            return new MarketingRecipient(key, profile.Email!, customerId, profile.Language, FirstName(profile.Name));
        }
        if ((await subscribers.FindAsync(enrolment.Key, ct))?.Value is { } subscriber && IsAddress(subscriber.Email))
            return new MarketingRecipient(subscriber.Key, subscriber.Email, subscriber.CustomerId, subscriber.Language, null);
        return null;
    }

    private static bool IsAddress(string? email) => !string.IsNullOrWhiteSpace(email) && email != PersonalData.Erased;

    private static string? FirstName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name == PersonalData.Erased ? null : name.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
}
