using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Infrastructure.Serialization;
using static CleanCqrs.Infrastructure.DynamoDb.EventsTable;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>A commit as an item of the events table, and back.</summary>
internal static class CommitItems
{
    private const string EventId = "eventId";
    private const string Type = "type";
    private const string OccurredAt = "occurredAt";
    private const string Data = "data";
    private const string Metadata = "metadata";
    private const string CorrelationId = "correlationId";
    private const string CausationId = "causationId";

    /// <param name="shardKey">The outbox shard of the commit's stream (<see cref="OutboxShards.KeyOf"/>).</param>
    public static Dictionary<string, AttributeValue> ToItem(Commit commit, string shardKey)
    {
        var (snapshotType, snapshotJson) = SnapshotSerializer.Serialize(commit.Snapshot);
        var committedAt = Time(commit.CommittedAt);
        var item = new Dictionary<string, AttributeValue>
        {
            [StreamId] = Str(commit.StreamId),
            [Seq] = Num(commit.ExpectedVersion + 1),
            [EventsTable.Version] = Num(commit.Version),
            [Events] = new() { L = commit.Events.Select(EventToMap).ToList() },
            [SnapshotType] = Str(snapshotType),
            [Snapshot] = Str(Encoding.UTF8.GetString(snapshotJson)),
            [CommittedAt] = Str(committedAt),
            [PendingShard] = Str(shardKey),
            [PendingSince] = Str(PendingSinceKey(commit.CommittedAt, commit.ExpectedVersion + 1)),
        };
        ItemSize.Guard(item, $"The commit of {commit.StreamId} at version {commit.Version}");
        return item;
    }

    /// <summary>The whole commit; a snapshot of a type this build no longer reads is kept as <see cref="UnknownSnapshot"/>.</summary>
    public static Commit ToCommit(Dictionary<string, AttributeValue> item) =>
        new(
            item[StreamId].S,
            GetLong(item, Seq) - 1,
            ToEvents(item),
            SnapshotSerializer.DeserializeAny(item[SnapshotType].S, item[Snapshot].S),
            StoredTime.Parse(item[CommittedAt].S));

    /// <summary>The commit's events; versions follow from its first one (<c>seq</c>).</summary>
    public static IReadOnlyList<StoredEvent> ToEvents(Dictionary<string, AttributeValue> item)
    {
        var streamId = item[StreamId].S;
        var first = GetLong(item, Seq);
        var maps = item[Events].L ?? [];
        var events = new StoredEvent[maps.Count];
        for (var i = 0; i < maps.Count; i++)
        {
            var map = maps[i].M;
            var metadata = map.TryGetValue(Metadata, out var meta) && meta.M is { } m
                ? new EventMetadata(Optional(m, CorrelationId), Optional(m, CausationId))
                : EventMetadata.Empty;
            events[i] = new StoredEvent(
                Guid.Parse(map[EventId].S, CultureInfo.InvariantCulture),
                streamId,
                first + i,
                EventSerializer.DeserializeData(map[Type].S, Encoding.UTF8.GetBytes(map[Data].S)),
                StoredTime.Parse(map[OccurredAt].S),
                metadata);
        }

        return events;
    }

    /// <summary>The id of the commit's first event: tells our own write from another writer's.</summary>
    public static Guid? FirstEventId(Dictionary<string, AttributeValue>? item) =>
        item is not null && item.TryGetValue(Events, out var events) && events.L is [{ M: { } first }, ..]
            && first.TryGetValue(EventId, out var id) && Guid.TryParse(id.S, CultureInfo.InvariantCulture, out var guid)
            ? guid
            : null;

    public static AttributeValue Str(string value) => new() { S = value };

    public static AttributeValue Num(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static long GetLong(Dictionary<string, AttributeValue> item, string name) =>
        long.Parse(item[name].N, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>
    /// The commit time, then the zero-padded first version: commits of one stream stored in the same
    /// tick still come back in version order. Any value for a time sorts after that bare time, so
    /// "pendingSince &lt; time" is "committed before time".
    /// </summary>
    public static string PendingSinceKey(DateTimeOffset committedAt, long seq) =>
        $"{Time(committedAt)}#{seq.ToString("D19", CultureInfo.InvariantCulture)}";

    public static string Time(DateTimeOffset time) => StoredTime.ToText(time);

    private static AttributeValue EventToMap(StoredEvent stored)
    {
        var map = new Dictionary<string, AttributeValue>
        {
            [EventId] = Str(stored.EventId.ToString("D")),
            [Type] = Str(EventSerializer.TypeName(stored.Data)),
            [OccurredAt] = Str(Time(stored.OccurredAt)),
            [Data] = Str(Encoding.UTF8.GetString(EventSerializer.SerializeData(stored.Data))),
        };
        var metadata = new Dictionary<string, AttributeValue>();
        if (stored.Metadata.CorrelationId is { } correlationId)
        {
            metadata[CorrelationId] = Str(correlationId);
        }

        if (stored.Metadata.CausationId is { } causationId)
        {
            metadata[CausationId] = Str(causationId);
        }

        if (metadata.Count > 0)
        {
            map[Metadata] = new AttributeValue { M = metadata };
        }

        return new AttributeValue { M = map };
    }

    private static string? Optional(Dictionary<string, AttributeValue> map, string name) =>
        map.TryGetValue(name, out var value) ? value.S : null;
}
