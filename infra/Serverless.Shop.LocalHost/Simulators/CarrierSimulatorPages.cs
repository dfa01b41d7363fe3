using System.Globalization;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>The local carrier's depot pages: the list of parcels and one parcel with its buttons (<see cref="CarrierSimulatorEndpoints"/>).</summary>
internal static class CarrierSimulatorPages
{
    public static string List(IReadOnlyList<SimulatedShipment> parcels, LocalCarrierSchedule? schedule) =>
        $"<p>{Encode(ScheduleText(schedule))} Newest first{(parcels.Count == CarrierSimulatorEndpoints.ListedParcels ? $", the latest {CarrierSimulatorEndpoints.ListedParcels}" : "")}.</p>\n"
        + (parcels.Count == 0 ? "<p>No parcels yet: a checkout buys a label per parcel.</p>" :
            "<table>\n<tr><th>Tracking number</th><th>Order</th><th>Status</th><th>Route</th><th>Next step</th><th>Label bought</th></tr>\n"
            + string.Concat(parcels.Select(p => $"<tr><td><a href=\"/{CarrierSimulatorEndpoints.PagePath}/{Encode(p.TrackingNumber)}\">{Encode(p.TrackingNumber)}</a></td>"
                + $"<td><code>{Encode(p.OrderId)}</code></td><td>{Encode(StatusText(p))}</td><td>{Encode(p.Route().Name)}</td><td>{Encode(NextText(p, schedule))}</td>"
                + $"<td>{p.CreatedAt.ToString("u", CultureInfo.InvariantCulture)}</td></tr>\n"))
            + "</table>");

    public static string Parcel(SimulatedShipment parcel, IEnumerable<string> scans, LocalCarrierSchedule? schedule) => $$"""
        <p>Order <code>{{Encode(parcel.OrderId)}}</code>, now <strong>{{Encode(StatusText(parcel))}}</strong>, route: {{Encode(parcel.Route().Name)}}. Next step: {{Encode(NextText(parcel, schedule))}}.</p>
        <p><button data-scan="deliver-now">deliver now</button> <small>the rest of its route at once, a webhook per step</small></p>
        <p>{{string.Concat(scans.Select(s => $"<button data-scan=\"{Encode(s)}\">{Encode(s)}</button> "))}}</p>
        <pre id="answer"></pre>
        <table>
        <tr><th>Scan</th><th>At</th><th>Event</th></tr>
        {{string.Concat(parcel.History.Select(h => $"<tr><td>{Encode(HmacTrackingWebhookReader.Spell(h.Status))}</td><td>{h.At.ToString("u", CultureInfo.InvariantCulture)}</td><td><code>{Encode(h.EventId ?? "")}</code>{(h.EventId is not null && h.EventId == parcel.UnsentEventId ? " (not yet accepted by the shop)" : "")}</td></tr>\n"))}}
        </table>
        <p><small>A local stand-in for a carrier: each button sends the shop the carrier's signed tracking webhook. <a href="/{{CarrierSimulatorEndpoints.PagePath}}">All parcels</a>.</small></p>
        <script>
        for (const b of document.querySelectorAll("button[data-scan]")) {
          b.addEventListener("click", async () => {
            const r = await fetch(location.pathname + "/" + b.dataset.scan, { method: "POST" });
            document.getElementById("answer").textContent = r.status + "\n" + JSON.stringify(await r.json(), null, 2);
          });
        }
        </script>
        """;

    private static string ScheduleText(LocalCarrierSchedule? schedule) => schedule is null
        ? "Parcels move only when you press a button (Shipping:LocalCarrier:SecondsPerStep is not set)."
        : string.Create(CultureInfo.InvariantCulture, $"Parcels move one step every {schedule.PerStep.TotalSeconds:0.##} s (Shipping:LocalCarrier:SecondsPerStep).");

    private static string StatusText(SimulatedShipment parcel) =>
        HmacTrackingWebhookReader.Spell(parcel.Status) + (parcel.CancelledAt is null ? "" : " (cancelled)");

    private static string NextText(SimulatedShipment parcel, LocalCarrierSchedule? schedule)
    {
        if (parcel.UnsentEventId is not null) return $"{HmacTrackingWebhookReader.Spell(parcel.Status)} again: the shop has not accepted it yet";
        if (parcel.NextStep() is not { } next) return "none";
        return schedule?.DueAt(parcel) is { } due
            ? string.Create(CultureInfo.InvariantCulture, $"{HmacTrackingWebhookReader.Spell(next)} at {due:u}")
            : $"{HmacTrackingWebhookReader.Spell(next)} (press a button)";
    }

    private static string Encode(string text) => SimulatorPage.Encode(text);
}
