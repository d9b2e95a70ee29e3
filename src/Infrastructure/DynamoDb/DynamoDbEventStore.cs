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
        ["#pending"] = Pending,
        ["#pendingSince"] = PendingSince,
    };

    private readonly IAmazonDynamoDB client;
    private readonly string table;
    private readonly int? pageSize;

    public DynamoDbEventStore(IAmazonDynamoDB client, DynamoDbTableNames tables)
        : this(client, tables, pageSize: null)
    {
    }

    /// <param name="pageSize">Items per Query/Scan page; null leaves DynamoDB's 1 MB pages (tests make pages small).</param>
    internal DynamoDbEventStore(IAmazonDynamoDB client, DynamoDbTableNames tables, int? pageSize)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tables);
        this.client = client;
        table = tables.Events;
        this.pageSize = pageSize;
    }

    public async ValueTask<LoadedStream<TState>> LoadAsync<TState>(string streamId, CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState>
    {
        var response = await client.QueryAsync(
            new QueryRequest
            {
                TableName = table,
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
        var item = ToItem(commit);
        try
        {
            await client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = table,
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
            var holding = await client.QueryAsync(
                new QueryRequest
                {
                    TableName = table,
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
            TableName = table,
            KeyConditionExpression = "#stream = :stream AND #seq >= :from",
            ExpressionAttributeNames = Names("#stream", "#seq", "#version", "#events"),
            ExpressionAttributeValues = new() { [":stream"] = Str(streamId), [":from"] = Num(fromSeq) },
            ProjectionExpression = "#stream, #seq, #version, #events",
            ScanIndexForward = true,
            ConsistentRead = true,
            Limit = pageSize,
        };
        do
        {
            var page = await client.QueryAsync(request, cancellationToken);
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
            TableName = table,
            FilterExpression = "#seq = :first",
            ExpressionAttributeNames = Names("#seq", "#stream"),
            ExpressionAttributeValues = new() { [":first"] = Num(1) },
            ProjectionExpression = "#stream",
            ConsistentRead = true,
            Limit = pageSize,
        };
        do
        {
            var page = await client.ScanAsync(request, cancellationToken);
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
        var commits = new List<Commit>();
        var request = new QueryRequest
        {
            TableName = table,
            IndexName = PendingIndex,
            KeyConditionExpression = "#pending = :pending AND #pendingSince < :before",
            ExpressionAttributeNames = Names("#pending", "#pendingSince"),
            ExpressionAttributeValues = new() { [":pending"] = Str(PendingMarker), [":before"] = Str(Time(committedBefore)) },
            ScanIndexForward = true,
        };
        while (commits.Count < max)
        {
            request.Limit = Math.Min(max - commits.Count, pageSize ?? int.MaxValue);
            var page = await client.QueryAsync(request, cancellationToken);
            commits.AddRange((page.Items ?? []).Select(ToCommit));
            if (page.LastEvaluatedKey is not { Count: > 0 } next)
            {
                break;
            }

            request.ExclusiveStartKey = next;
        }

        return commits;
    }

    public async ValueTask MarkPublishedAsync(string streamId, long version, CancellationToken cancellationToken)
    {
        // The key is the commit's first version and the outbox names its last. They are the same for a
        // one-event commit (every command here so far): one UpdateItem. Otherwise no item has that key,
        // and the commit that ends at `version` is looked up first.
        if (await TryMarkAsync(streamId, version, version, cancellationToken))
        {
            return;
        }

        var found = await client.QueryAsync(
            new QueryRequest
            {
                TableName = table,
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
            await client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = table,
                    Key = new() { [StreamId] = Str(streamId), [Seq] = Num(seq) },
                    UpdateExpression = "REMOVE #pending, #pendingSince",
                    // Without the condition an UpdateItem on a missing key would create a stray item.
                    ConditionExpression = "attribute_exists(#stream) AND #version = :version",
                    ExpressionAttributeNames = Names("#pending", "#pendingSince", "#stream", "#version"),
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
        var existing = await client.GetItemAsync(
            new GetItemRequest
            {
                TableName = table,
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
