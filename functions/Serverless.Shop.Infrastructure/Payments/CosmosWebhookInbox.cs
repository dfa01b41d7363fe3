using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Payments;

public sealed record WebhookInboxOptions
{
    /// <summary>
    /// How long one delivery may take to handle an event before another delivery of it presumes the first process dead and
    /// takes over. Far longer than a handler needs (it records a fact and raises an event), far shorter than providers' retries.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a duplicate delivery waits for the first one to finish before answering "busy", so the provider retries later.</summary>
    public TimeSpan WaitForOtherDelivery { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public static WebhookInboxOptions Default { get; } = new();
}

/// <summary>
/// The webhook inbox on the <c>webhook-events</c> container (partition key /id, 30-day TTL): one marker document
/// <c>{source}:{eventId}</c> per event.
/// </summary>
/// <remarks>
/// <para>Claiming is a create, so of three concurrent deliveries exactly one gets 201 from Cosmos DB and runs the handler
/// (state <c>processing</c>, with a lease). The others wait for it: when it ends <c>done</c> they answer false; when its
/// handler throws, the marker is deleted and one of them (or the provider's next retry) runs the handler instead; when
/// its lease runs out (the process died), the next delivery takes the marker over with an ETag check, so only one does.</para>
/// <para>A handler that outlives its lease may run twice; the lease is long for that reason, and handlers are written to
/// tolerate a repeat (order transitions check the current state).</para>
/// </remarks>
public sealed class CosmosWebhookInbox(ShopContainers containers, TimeProvider clock, ILogger<CosmosWebhookInbox> logger, WebhookInboxOptions? options = null)
    : IWebhookInbox
{
    private readonly WebhookInboxOptions _options = options ?? WebhookInboxOptions.Default;

    private Container Markers => containers.WebhookEvents;

    public async Task<bool> HandleOnceAsync(string source, string eventId, Func<CancellationToken, Task> handler, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        ArgumentNullException.ThrowIfNull(handler);

        var id = MarkerId(source, eventId);
        var giveUpAt = clock.GetUtcNow() + _options.WaitForOtherDelivery;
        while (true)
        {
            var claim = await TryClaimAsync(id, source, eventId, ct);
            switch (claim)
            {
                case Claim.Done:
                    logger.LogInformation("Webhook event {Source}/{EventId} was handled before; ignoring the repeat.", source, eventId);
                    return false;

                case Claim.Granted granted:
                    await RunAsync(id, source, eventId, granted.ETag, handler, ct);
                    logger.LogInformation("Handled webhook event {Source}/{EventId}.", source, eventId);
                    return true;

                case Claim.HeldByOther when clock.GetUtcNow() >= giveUpAt:
                    throw new BusyResourceException("Webhook event");

                case Claim.HeldByOther:
                    await Task.Delay(_options.PollInterval, clock, ct);
                    break;

                // Claim.Retry: the marker changed between two reads (deleted after a failure, taken over); look again at once.
            }
        }
    }

    private async Task RunAsync(string id, string source, string eventId, string etag, Func<CancellationToken, Task> handler, CancellationToken ct)
    {
        try
        {
            await handler(ct);
        }
        catch
        {
            // Forget the event, so the provider's retry (or a waiting duplicate) handles it. Not cancellable: a marker
            // left behind would block the event for a whole lease.
            await ReleaseAsync(id, etag);
            throw;
        }

        var done = new Marker { Id = id, Source = source, EventId = eventId, State = MarkerState.Done, LeaseUntil = clock.GetUtcNow(), HandledAt = clock.GetUtcNow() };
        try
        {
            await Markers.ReplaceItemAsync(done, id, new PartitionKey(id),
                new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false }, CancellationToken.None);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            // The lease ran out while the handler ran and another delivery took the event over: it may run twice. Done is
            // the truth now either way.
            logger.LogWarning("Webhook event {MarkerId} outlived its lease of {Lease}; another delivery may have handled it too.", id, _options.Lease);
            await Markers.UpsertItemAsync(done, new PartitionKey(id), new ItemRequestOptions { EnableContentResponseOnWrite = false }, CancellationToken.None);
        }
    }

    private async Task<Claim> TryClaimAsync(string id, string source, string eventId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var marker = new Marker { Id = id, Source = source, EventId = eventId, State = MarkerState.Processing, LeaseUntil = now + _options.Lease };
        try
        {
            var created = await Markers.CreateItemAsync(marker, new PartitionKey(id), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            return new Claim.Granted(created.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict)) { }

        ItemResponse<Marker> existing;
        try { existing = await Markers.ReadItemAsync<Marker>(id, new PartitionKey(id), cancellationToken: ct); }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound)) { return new Claim.Retry(); }

        if (existing.Resource.State == MarkerState.Done) return new Claim.Done();
        if (existing.Resource.LeaseUntil > now) return new Claim.HeldByOther();

        try
        {
            var taken = await Markers.ReplaceItemAsync(marker, id, new PartitionKey(id),
                new ItemRequestOptions { IfMatchEtag = existing.ETag, EnableContentResponseOnWrite = false }, ct);
            logger.LogWarning("Webhook event {MarkerId} was being handled, but its lease ran out {Ago} ago; handling it here.", id, now - existing.Resource.LeaseUntil);
            return new Claim.Granted(taken.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            return new Claim.Retry();
        }
    }

    private async Task ReleaseAsync(string id, string etag)
    {
        try
        {
            await Markers.DeleteItemAsync<Marker>(id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = etag }, CancellationToken.None);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            // Someone else holds the marker now; it is theirs to finish or release.
        }
        catch (Exception e)
        {
            // The marker stays until its lease runs out; then a retry takes it over. The handler's error matters more.
            logger.LogWarning(e, "Could not forget webhook event {MarkerId} after its handler failed; a retry handles it once the lease ends.", id);
        }
    }

    /// <summary><c>{source}:{eventId}</c>, readable; hashed when the provider's id holds characters Cosmos DB ids cannot.</summary>
    internal static string MarkerId(string source, string eventId)
    {
        var id = $"{source}:{eventId}";
        return id.Length <= 200 && !id.Any(c => c is '/' or '\\' or '?' or '#' || char.IsControl(c))
            ? id
            : $"{source}:sha256-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))}";
    }

    private enum MarkerState { Processing, Done }

    private sealed record Marker
    {
        public required string Id { get; init; }
        public required string Source { get; init; }
        public required string EventId { get; init; }
        public required MarkerState State { get; init; }
        public required DateTimeOffset LeaseUntil { get; init; }
        public DateTimeOffset? HandledAt { get; init; }
    }

    private abstract record Claim
    {
        public sealed record Granted(string ETag) : Claim;
        public sealed record Done : Claim;
        public sealed record HeldByOther : Claim;
        public sealed record Retry : Claim;
    }
}
