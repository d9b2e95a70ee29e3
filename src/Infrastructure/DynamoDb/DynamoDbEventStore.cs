using System.Runtime.CompilerServices;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Infrastructure.Serialization;
using static CleanCqrs.Infrastructure.DynamoDb.CommitItems;
using static CleanCqrs.Infrastructure.DynamoDb.EventsTable;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>
/// The event store on one DynamoDB table (<see cref="EventsTable"/>): a command costs one Query
/// (load), one conditional PutItem (append) and one UpdateItem (marked published).
/// </summary>
/// <remarks>
/// The outbox backlog is spread over <see cref="OutboxShards"/> partitions of the keys-only
/// <c>outbox-index</c>; the sweeper queries every shard at once, oldest first, and reads the commits
/// it takes from the table. Tables created before the shards keep their <c>pending-index</c> until it
/// is drained: it is queried too, as long as it exists.
/// </remarks>
public sealed class DynamoDbEventStore : IEventStore
{
    /// <summary>Every placeholder used in an expression here; DynamoDB refuses names a request does not use.</summary>
    private static readonly Dictionary<string, string> Placeholders = new()
    {
        ["#stream"] = StreamId,
        ["#seq"] = Seq,
        ["#version"] = EventsTable.Version,
        ["#events"] = Events,
        ["#snapshotType"] = SnapshotType,
        ["#snapshot"] = Snapshot,
        ["#pendingShard"] = PendingShard,
        ["#pendingSince"] = PendingSince,
        ["#legacyPending"] = LegacyPending,
    };

    /// <summary>Commits read from the table at once by the sweeper; it rarely has any to read.</summary>
    private const int CommitReadsInParallel = 16;

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly int? _pageSize;
    private readonly OutboxShards _shards;

    /// <summary>Where the next sweep looks beyond the configured shards (see <see cref="OutboxShards.MaxCount"/>).</summary>
    private int _probe = Random.Shared.Next();

    /// <summary>Cleared for this process when DynamoDB says the table has no legacy index (new tables, drained upgrades).</summary>
    private volatile bool _legacyIndexMayExist = true;

    public DynamoDbEventStore(IAmazonDynamoDB client, DynamoDbTableNames tables)
        : this(client, tables, OutboxShards.Default)
    {
    }

    public DynamoDbEventStore(IAmazonDynamoDB client, DynamoDbTableNames tables, OutboxShards shards)
        : this(client, tables, pageSize: null, shards)
    {
    }

    /// <param name="pageSize">Items per Query/Scan page; null leaves DynamoDB's 1 MB pages (tests make pages small).</param>
    internal DynamoDbEventStore(IAmazonDynamoDB client, DynamoDbTableNames tables, int? pageSize, OutboxShards? shards = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tables);
        _client = client;
        _table = tables.Events;
        _pageSize = pageSize;
        _shards = shards ?? OutboxShards.Default;
    }

    public async ValueTask<LoadedStream<TState>> LoadAsync<TState>(string streamId, CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState>
    {
        var response = await _client.QueryAsync(
            new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = "#stream = :stream",
                ExpressionAttributeNames = Names("#stream", "#version", "#snapshotType", "#snapshot"),
                ExpressionAttributeValues = new() { [":stream"] = Str(streamId) },
                // The snapshot is all a load needs; the events stay on the server.
                ProjectionExpression = "#version, #snapshotType, #snapshot",
                ScanIndexForward = false,
                Limit = 1,
                ConsistentRead = true,
            },
            cancellationToken);
        if (response.Items is not [var latest, ..])
        {
            return new LoadedStream<TState>(TState.Initial, 0);
        }

        // A snapshot written by an older shape of the state is folded from the events, which still say everything.
        var version = GetLong(latest, EventsTable.Version);
        return SnapshotSerializer.Deserialize<TState>(latest[SnapshotType].S, Encoding.UTF8.GetBytes(latest[Snapshot].S)) is { } snapshot
            ? new LoadedStream<TState>(snapshot, version)
            : await this.FoldAsync<TState>(streamId, version, cancellationToken);
    }

    public async ValueTask<bool> TryAppendAsync(Commit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        commit.ThrowIfNotContiguous();
        var item = ToItem(commit, _shards.KeyOf(commit.StreamId));
        try
        {
            await _client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#stream)",
                    ExpressionAttributeNames = Names("#stream"),
                },
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            // The SDK retries a put whose response was lost; the retry then fails on our own item. Only
            // another writer's commit is a lost race (a rare path, so the extra read is cheap).
            return await IsStoredAsync(commit, cancellationToken);
        }
    }

    public async IAsyncEnumerable<StoredEvent> ReadStreamAsync(
        string streamId, long afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = Math.Max(afterVersion, 0);
        var fromSeq = 1L;
        if (after > 0)
        {
            // The event after `after` may sit inside a commit that starts earlier: find that commit first.
            var holding = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    KeyConditionExpression = "#stream = :stream AND #seq <= :next",
                    ExpressionAttributeNames = Names("#stream", "#seq", "#version", "#events"),
                    ExpressionAttributeValues = new() { [":stream"] = Str(streamId), [":next"] = Num(after + 1) },
                    ProjectionExpression = "#stream, #seq, #version, #events",
                    ScanIndexForward = false,
                    Limit = 1,
                    ConsistentRead = true,
                },
                cancellationToken);
            if (holding.Items is not [var first, ..] || GetLong(first, EventsTable.Version) <= after)
            {
                yield break;
            }

            foreach (var stored in ToEvents(first).Where(e => e.Version > after))
            {
                yield return stored;
            }

            fromSeq = GetLong(first, Seq) + 1;
        }

        var request = new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "#stream = :stream AND #seq >= :from",
            ExpressionAttributeNames = Names("#stream", "#seq", "#version", "#events"),
            ExpressionAttributeValues = new() { [":stream"] = Str(streamId), [":from"] = Num(fromSeq) },
            ProjectionExpression = "#stream, #seq, #version, #events",
            ScanIndexForward = true,
            ConsistentRead = true,
            Limit = _pageSize,
        };
        do
        {
            var page = await _client.QueryAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                foreach (var stored in ToEvents(item))
                {
                    yield return stored;
                }
            }

            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (request.ExclusiveStartKey is not null);
    }

    public async IAsyncEnumerable<string> ListStreamsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Every stream has exactly one commit starting at version 1, so filtering on it lists each
        // stream once without remembering the ones already seen.
        var request = new ScanRequest
        {
            TableName = _table,
            FilterExpression = "#seq = :first",
            ExpressionAttributeNames = Names("#seq", "#stream"),
            ExpressionAttributeValues = new() { [":first"] = Num(1) },
            ProjectionExpression = "#stream",
            ConsistentRead = true,
            Limit = _pageSize,
        };
        do
        {
            var page = await _client.ScanAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                yield return item[StreamId].S;
            }

            // A filtered page can be empty and still not be the last one.
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (request.ExclusiveStartKey is not null);
    }

    public async ValueTask<IReadOnlyList<Commit>> ReadPendingAsync(DateTimeOffset committedBefore, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return [];
        }

        var before = Time(committedBefore);
        var backlogs = ShardsToSweep()
            .Select(shard => ReadBacklogAsync(OutboxIndex, "#pendingShard", OutboxShards.Key(shard), before, max, cancellationToken))
            .ToList();
        if (_legacyIndexMayExist)
        {
            backlogs.Add(ReadLegacyBacklogAsync(before, max, cancellationToken));
        }

        // Each shard comes back oldest first; merged, the oldest `max` of them all are taken. A stream
        // lives in one shard, so its commits keep their order (pendingSince ends with the version).
        var oldest = (await Task.WhenAll(backlogs))
            .SelectMany(backlog => backlog)
            .OrderBy(entry => entry.PendingSince, StringComparer.Ordinal)
            .Take(max)
            .ToArray();
        var commits = new Commit?[oldest.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, oldest.Length),
            new ParallelOptions { MaxDegreeOfParallelism = CommitReadsInParallel, CancellationToken = cancellationToken },
            async (i, ct) => commits[i] = oldest[i].Whole is { } whole ? ToCommit(whole) : await ReadPendingCommitAsync(oldest[i], ct));
        return [.. commits.OfType<Commit>()];
    }

    /// <summary>Every configured shard, and one beyond them in rotation, where a larger setting may have left commits.</summary>
    private IEnumerable<int> ShardsToSweep()
    {
        for (var shard = 0; shard < _shards.Count; shard++)
        {
            yield return shard;
        }

        if (_shards.Count < OutboxShards.MaxCount)
        {
            var beyond = (uint)Interlocked.Increment(ref _probe) % (uint)(OutboxShards.MaxCount - _shards.Count);
            yield return _shards.Count + (int)beyond;
        }
    }

    private async Task<List<BacklogEntry>> ReadBacklogAsync(
        string index, string partitionName, string partitionValue, string before, int max, CancellationToken cancellationToken)
    {
        var entries = new List<BacklogEntry>();
        var request = new QueryRequest
        {
            TableName = _table,
            IndexName = index,
            KeyConditionExpression = $"{partitionName} = :partition AND #pendingSince < :before",
            ExpressionAttributeNames = Names(partitionName, "#pendingSince"),
            ExpressionAttributeValues = new() { [":partition"] = Str(partitionValue), [":before"] = Str(before) },
            ScanIndexForward = true,
        };
        while (entries.Count < max)
        {
            request.Limit = Math.Min(max - entries.Count, _pageSize ?? int.MaxValue);
            var page = await _client.QueryAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                // The keys-only index holds the table's keys and its own; the legacy index holds the whole commit.
                var whole = index == LegacyPendingIndex ? item : null;
                entries.Add(new BacklogEntry(item[PendingSince].S, item[StreamId].S, GetLong(item, Seq), whole));
            }

            if (page.LastEvaluatedKey is not { Count: > 0 } next)
            {
                break;
            }

            request.ExclusiveStartKey = next;
        }

        return entries;
    }

    private async Task<List<BacklogEntry>> ReadLegacyBacklogAsync(string before, int max, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadBacklogAsync(LegacyPendingIndex, "#legacyPending", LegacyPendingMarker, before, max, cancellationToken);
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == "ValidationException"
            && ex.Message.Contains("specified index", StringComparison.OrdinalIgnoreCase))
        {
            // A table created by this build, or an upgraded one whose legacy index was removed once drained.
            _legacyIndexMayExist = false;
            return [];
        }
    }

    /// <summary>
    /// The commit an index entry names, or null when it was published since the index was read (the
    /// index lags the table, and the request that stored it may have just published it).
    /// </summary>
    private async Task<Commit?> ReadPendingCommitAsync(BacklogEntry entry, CancellationToken cancellationToken)
    {
        var response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = _table,
                Key = new() { [StreamId] = Str(entry.StreamId), [Seq] = Num(entry.Seq) },
                ConsistentRead = true,
            },
            cancellationToken);
        return response.Item is { Count: > 0 } item && (item.ContainsKey(PendingShard) || item.ContainsKey(LegacyPending))
            ? ToCommit(item)
            : null;
    }

    /// <summary>One pending commit as an outbox index lists it; <paramref name="Whole"/> when the index holds the whole item.</summary>
    private readonly record struct BacklogEntry(string PendingSince, string StreamId, long Seq, Dictionary<string, AttributeValue>? Whole);

    public async ValueTask MarkPublishedAsync(string streamId, long version, CancellationToken cancellationToken)
    {
        // The key is the commit's first version and the outbox names its last. They are the same for a
        // one-event commit (every command here so far): one UpdateItem. Otherwise no item has that key,
        // and the commit that ends at `version` is looked up first.
        if (await TryMarkAsync(streamId, version, version, cancellationToken))
        {
            return;
        }

        var found = await _client.QueryAsync(
            new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = "#stream = :stream AND #seq <= :version",
                ExpressionAttributeNames = Names("#stream", "#seq", "#version"),
                ExpressionAttributeValues = new() { [":stream"] = Str(streamId), [":version"] = Num(version) },
                ProjectionExpression = "#seq, #version",
                ScanIndexForward = false,
                Limit = 1,
                ConsistentRead = true,
            },
            cancellationToken);
        if (found.Items is [var commit, ..] && GetLong(commit, EventsTable.Version) == version)
        {
            await TryMarkAsync(streamId, GetLong(commit, Seq), version, cancellationToken);
        }
    }

    private async ValueTask<bool> TryMarkAsync(string streamId, long seq, long version, CancellationToken cancellationToken)
    {
        try
        {
            await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [StreamId] = Str(streamId), [Seq] = Num(seq) },
                    // The legacy marker goes too: a commit stored before the shards leaves the old index.
                    UpdateExpression = "REMOVE #pendingShard, #pendingSince, #legacyPending",
                    // Without the condition an UpdateItem on a missing key would create a stray item.
                    ConditionExpression = "attribute_exists(#stream) AND #version = :version",
                    ExpressionAttributeNames = Names("#pendingShard", "#pendingSince", "#legacyPending", "#stream", "#version"),
                    ExpressionAttributeValues = new() { [":version"] = Num(version) },
                },
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async ValueTask<bool> IsStoredAsync(Commit commit, CancellationToken cancellationToken)
    {
        var existing = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = _table,
                Key = new() { [StreamId] = Str(commit.StreamId), [Seq] = Num(commit.ExpectedVersion + 1) },
                ProjectionExpression = "#events",
                ExpressionAttributeNames = Names("#events"),
                ConsistentRead = true,
            },
            cancellationToken);
        return FirstEventId(existing.Item) == commit.Events[0].EventId;
    }

    private static Dictionary<string, string> Names(params string[] placeholders) =>
        placeholders.ToDictionary(placeholder => placeholder, placeholder => Placeholders[placeholder]);
}
