using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Behaviour;

/// <summary>
/// The behaviour documents in the <c>analytics-behaviour</c> container (partition key <c>/partition</c>, TTL on per
/// document), docs/analytics.md#behaviour:
/// <list type="bullet">
/// <item>the processing checkpoint <c>{ id: "checkpoint", partition: "checkpoint", lastWrittenAt, recentFiles, staleDays }</c>;</item>
/// <item>per session and UTC day a working document <c>{ id: "session-&lt;hash of the session id&gt;", partition: "session|2026-12-07", events: [...], ttl }</c>
/// that expires <see cref="SessionTimeToLive"/> after its last write (a day is folded long before);</item>
/// <item>per folded day <c>{ id: "day-2026-12-07", partition: "days", behaviour: { sessions, funnel, products, timeByPageType, ... } }</c>, kept;</item>
/// <item>per day of payment <c>{ id: "purchases-2026-12-07", partition: "purchases", orders, orderNumbers, lines: [[productId...]] }</c>, kept.</item>
/// </list>
/// A session's trail is changed by one conditional write (read, merge by event id, replace with If-Match; a lost race
/// reads again), so a merge is all or nothing and repeats add nothing. A paid order is counted by one patch that
/// increments, appends its number and its products, only if the number is not there yet (as CosmosAttributedRevenue).
/// Tests: CosmosBehaviourStoreTests.
/// </summary>
public sealed class CosmosBehaviourStore(ShopContainers containers) : IBehaviourStore
{
    public const string ContainerName = "analytics-behaviour";

    /// <summary>How long a session's working document lives after its last write: longer than <see cref="ProcessClickstream.LateDays"/>, so a late event still finds its session.</summary>
    public static readonly TimeSpan SessionTimeToLive = TimeSpan.FromDays(ProcessClickstream.LateDays + 3);

    private const int MaximumAttempts = 8;
    private const string DaysPartition = "days";
    private const string PurchasesPartition = "purchases";

    private Container Container => containers.DataKeys.Database.GetContainer(ContainerName);

    public async Task<ClickstreamCheckpoint> ReadCheckpointAsync(CancellationToken ct)
    {
        try
        {
            var read = await Container.ReadItemAsync<CheckpointDocument>(CheckpointDocument.Key, new PartitionKey(CheckpointDocument.Key), cancellationToken: ct);
            var d = read.Resource;
            return new(d.LastWrittenAt, [.. d.RecentFiles], [.. d.StaleDays.Select(Day)]);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return ClickstreamCheckpoint.Start;
        }
    }

    public Task SaveCheckpointAsync(ClickstreamCheckpoint checkpoint, CancellationToken ct) =>
        Container.UpsertItemAsync(new CheckpointDocument
        {
            Id = CheckpointDocument.Key, Partition = CheckpointDocument.Key, Type = CheckpointDocument.Key,
            LastWrittenAt = checkpoint.LastWrittenAt, RecentFiles = [.. checkpoint.RecentFiles], StaleDays = [.. checkpoint.StaleDays.Select(Text)],
        }, new PartitionKey(CheckpointDocument.Key), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);

    public async Task<int> MergeSessionAsync(DateOnly day, string sessionId, IReadOnlyList<TrailEvent> events, CancellationToken ct)
    {
        // The session id comes from a browser: hashed, it is always a valid id (and says nothing more in the document).
        var id = "session-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)))[..40];
        var partition = SessionPartition(day);
        var key = new PartitionKey(partition);
        for (var attempt = 1; ; attempt++)
        {
            SessionDocument? stored = null;
            string? etag = null;
            try
            {
                var read = await Container.ReadItemAsync<SessionDocument>(id, key, cancellationToken: ct);
                (stored, etag) = (read.Resource, read.ETag);
            }
            catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
            {
            }

            var (trail, added) = SessionTrail.Merge(stored?.Events ?? [], events);
            if (added == 0) return 0;
            var document = new SessionDocument
            {
                Id = id, Partition = partition, Type = SessionDocument.Kind, Day = Text(day), Events = [.. trail],
                Ttl = (int)SessionTimeToLive.TotalSeconds,
            };
            try
            {
                var options = new ItemRequestOptions { EnableContentResponseOnWrite = false };
                if (etag is null) await Container.CreateItemAsync(document, key, options, ct);
                else await Container.ReplaceItemAsync(document, id, key, new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false }, ct);
                return added;
            }
            catch (CosmosException e) when (attempt < MaximumAttempts && e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed)
            {
                // Another run wrote the session first: merge into what it wrote.
            }
        }
    }

    public async IAsyncEnumerable<IReadOnlyList<TrailEvent>> ReadSessionsAsync(DateOnly day, [EnumeratorCancellation] CancellationToken ct)
    {
        var partition = SessionPartition(day);
        var query = new QueryDefinition("SELECT c.events FROM c WHERE c.partition = @partition AND c.type = @type")
            .WithParameter("@partition", partition).WithParameter("@type", SessionDocument.Kind);
        using var pages = Container.GetItemQueryIterator<SessionEvents>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(partition), MaxItemCount = 200 });
        while (pages.HasMoreResults)
        {
            foreach (var session in await pages.ReadNextAsync(ct)) yield return session.Events ?? [];
        }
    }

    public async Task<IReadOnlyList<BehaviourDay>> ReadDaysAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT VALUE c.behaviour FROM c WHERE c.partition = @partition AND c.day >= @from AND c.day < @to")
            .WithParameter("@partition", DaysPartition).WithParameter("@from", Text(from)).WithParameter("@to", Text(to));
        return await AllAsync<BehaviourDay>(query, DaysPartition, ct);
    }

    public Task SaveDayAsync(BehaviourDay day, CancellationToken ct) =>
        Container.UpsertItemAsync(new DayDocument { Id = "day-" + Text(day.Day), Partition = DaysPartition, Type = DayDocument.Kind, Day = Text(day.Day), Behaviour = day },
            new PartitionKey(DaysPartition), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);

    public async Task<bool> CountPurchaseAsync(DateOnly day, string orderNumber, IReadOnlyCollection<string> productIds, CancellationToken ct)
    {
        // The number goes into the predicate's text: it is checked to be plain.
        if (!Ids.IsWellFormed(orderNumber)) throw new ArgumentException($"'{orderNumber}' is not an order number.", nameof(orderNumber));
        var id = "purchases-" + Text(day);
        var key = new PartitionKey(PurchasesPartition);
        var options = new PatchItemRequestOptions
        {
            FilterPredicate = $"FROM c WHERE NOT ARRAY_CONTAINS(c.orderNumbers, '{orderNumber}')",
            EnableContentResponseOnWrite = false,
        };
        PatchOperation[] count =
        [
            PatchOperation.Increment("/orders", 1),
            PatchOperation.Add("/orderNumbers/-", orderNumber),
            PatchOperation.Add("/lines/-", productIds.ToList()),
        ];
        for (var attempt = 1; ; attempt++)
        {
            using (var patched = await Container.PatchItemStreamAsync(id, key, count, options, ct))
            {
                if (patched.IsSuccessStatusCode) return true;
                if (patched.StatusCode == HttpStatusCode.PreconditionFailed) return false;
                if (patched.StatusCode != HttpStatusCode.NotFound || attempt >= MaximumAttempts) patched.EnsureSuccessStatusCode();
            }
            try
            {
                await Container.CreateItemAsync(new PurchasesDocument
                {
                    Id = id, Partition = PurchasesPartition, Type = PurchasesDocument.Kind, Day = Text(day), Orders = 1,
                    OrderNumbers = [orderNumber], Lines = [[.. productIds]],
                }, key, new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
                return true;
            }
            catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
            {
                // Another order of that day created the document first: add this one to it.
            }
        }
    }

    public async Task<IReadOnlyList<PurchasesDay>> ReadPurchasesAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT c.day, c.orders, c.lines FROM c WHERE c.partition = @partition AND c.day >= @from AND c.day < @to")
            .WithParameter("@partition", PurchasesPartition).WithParameter("@from", Text(from)).WithParameter("@to", Text(to));
        var days = await AllAsync<PurchasesCounters>(query, PurchasesPartition, ct);
        return [.. days.Select(d => new PurchasesDay(Day(d.Day), d.Orders, (d.Lines ?? []).SelectMany(l => l.Distinct(StringComparer.Ordinal))
            .GroupBy(p => p, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal)))];
    }

    private async Task<IReadOnlyList<T>> AllAsync<T>(QueryDefinition query, string partition, CancellationToken ct)
    {
        var all = new List<T>();
        using var pages = Container.GetItemQueryIterator<T>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(partition), MaxItemCount = 400 });
        while (pages.HasMoreResults) all.AddRange(await pages.ReadNextAsync(ct));
        return all;
    }

    private static string SessionPartition(DateOnly day) => "session|" + Text(day);

    internal static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record SessionEvents(List<TrailEvent>? Events);

    private sealed record PurchasesCounters(string Day, long Orders, List<List<string>>? Lines);

    private sealed record CheckpointDocument
    {
        public const string Key = "checkpoint";
        public required string Id { get; init; }
        public required string Partition { get; init; }
        public required string Type { get; init; }
        public DateTimeOffset? LastWrittenAt { get; init; }
        public List<CapturedFileDone> RecentFiles { get; init; } = [];
        public List<string> StaleDays { get; init; } = [];
    }

    private sealed record SessionDocument
    {
        public const string Kind = "session";
        public required string Id { get; init; }
        public required string Partition { get; init; }
        public required string Type { get; init; }
        public required string Day { get; init; }
        public required List<TrailEvent> Events { get; init; }
        public int Ttl { get; init; }
    }

    private sealed record DayDocument
    {
        public const string Kind = "behaviour-day";
        public required string Id { get; init; }
        public required string Partition { get; init; }
        public required string Type { get; init; }
        public required string Day { get; init; }
        public required BehaviourDay Behaviour { get; init; }
    }

    private sealed record PurchasesDocument
    {
        public const string Kind = "purchases-day";
        public required string Id { get; init; }
        public required string Partition { get; init; }
        public required string Type { get; init; }
        public required string Day { get; init; }
        public long Orders { get; init; }
        public required List<string> OrderNumbers { get; init; }
        public required List<List<string>> Lines { get; init; }
    }
}
