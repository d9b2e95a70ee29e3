using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>
/// The one definition of the service's DynamoDB tables: provisioning creates them from here and the
/// deployment template is checked against here.
/// </summary>
public static class TableDefinitions
{
    public static IReadOnlyList<CreateTableRequest> All(DynamoDbTableNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return [EventsTable.Definition(names.Events), ReadModelsTable.Definition(names.ReadModels), GuardsTable.Definition(names.Guards)];
    }
}

/// <summary>
/// One item per commit. Key: <c>streamId</c> (S) and <c>seq</c> (N), the version of the commit's
/// FIRST event, i.e. the expected version + 1.
/// </summary>
/// <remarks>
/// Why the first event's version and not the version after the commit: every writer that loaded the
/// stream at version V writes its commit under seq V + 1, whatever the number of its events, so two
/// writers at the same expected version collide on one key and the conditional put
/// (<c>attribute_not_exists(streamId)</c>) lets exactly one of them in. That alone is enough because a
/// loaded version is always a commit boundary (the last version of some commit, or 0): if any commit
/// already holds version V + 1 it is the one that follows V, and it starts exactly at V + 1, so the
/// put fails. Keyed by the version after the commit, a one-event and a two-event writer at the same
/// V would write different keys and both succeed.
/// <para/>
/// A commit waiting for publication carries <c>pendingShard</c> (its stream's outbox shard, see
/// <see cref="OutboxShards"/>) and <c>pendingSince</c> (its commit time as fixed-width UTC, then "#" and
/// its zero-padded seq, so it sorts by time and then version); both are removed once it is published,
/// so the <c>outbox-index</c> GSI holds only the outbox backlog, spread over as many partitions as there
/// are shards, and projects only keys (the sweeper reads the commits it publishes from the table).
/// Commits stored by builds before the shards carry <c>pending</c> = "1" instead and sit in the
/// <c>pending-index</c> of tables created then; the sweeper drains that index as long as it exists.
/// /// </remarks>
public static class EventsTable
{
    public const string StreamId = "streamId";
    public const string Seq = "seq";

    /// <summary>The stream's version after the commit (N).</summary>
    public const string Version = "version";

    /// <summary>The commit's events (L of M: eventId, type, occurredAt, data as JSON, metadata).</summary>
    public const string Events = "events";

    public const string SnapshotType = "snapshotType";

    /// <summary>The state after the commit as JSON (S).</summary>
    public const string Snapshot = "snapshot";

    public const string CommittedAt = "committedAt";

    /// <summary>The outbox shard of a pending commit (S, "0" to "63"); absent once published.</summary>
    public const string PendingShard = "pendingShard";

    public const string PendingSince = "pendingSince";

    /// <summary>The outbox backlog, keyed by shard and <see cref="PendingSince"/>; keys only.</summary>
    public const string OutboxIndex = "outbox-index";

    /// <summary>The pending marker of builds before the shards: "1" on every pending commit.</summary>
    public const string LegacyPending = "pending";

    /// <summary>The one-partition backlog index of builds before the shards (projection ALL).</summary>
    public const string LegacyPendingIndex = "pending-index";

    public const string LegacyPendingMarker = "1";

    /// <summary>
    /// The index of tables created before the shards, exactly as those builds declared it: a stack being
    /// upgraded keeps it until the sweeper has drained it (deploy/template.yaml, parameter
    /// <c>KeepLegacyPendingIndex</c>); new tables never have it.
    /// </summary>
    public static GlobalSecondaryIndex LegacyIndex() => new()
    {
        IndexName = LegacyPendingIndex,
        KeySchema =
        [
            new KeySchemaElement(LegacyPending, KeyType.HASH),
            new KeySchemaElement(PendingSince, KeyType.RANGE),
        ],
        Projection = new Projection { ProjectionType = ProjectionType.ALL },
    };

    public static CreateTableRequest Definition(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        KeySchema =
        [
            new KeySchemaElement(StreamId, KeyType.HASH),
            new KeySchemaElement(Seq, KeyType.RANGE),
        ],
        AttributeDefinitions =
        [
            new AttributeDefinition(StreamId, ScalarAttributeType.S),
            new AttributeDefinition(Seq, ScalarAttributeType.N),
            new AttributeDefinition(PendingShard, ScalarAttributeType.S),
            new AttributeDefinition(PendingSince, ScalarAttributeType.S),
        ],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = OutboxIndex,
                KeySchema =
                [
                    new KeySchemaElement(PendingShard, KeyType.HASH),
                    new KeySchemaElement(PendingSince, KeyType.RANGE),
                ],
                // Keys only: an index write then costs one write unit whatever the commit's size, and
                // the sweeper, which publishes rarely, reads the commits it needs from the table.
                Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
            },
        ],
    };
}

/// <summary>One item per read model: <c>pk</c> = "{collection}#{id}", <c>version</c> (N), <c>body</c> (JSON).</summary>
public static class ReadModelsTable
{
    public const string Pk = "pk";
    public const string Version = "version";
    public const string Body = "body";

    public static string Key(string collection, string id) => $"{collection}#{id}";

    public static CreateTableRequest Definition(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        KeySchema = [new KeySchemaElement(Pk, KeyType.HASH)],
        AttributeDefinitions = [new AttributeDefinition(Pk, ScalarAttributeType.S)],
    };
}

/// <summary>
/// The guards table (decisions 0019 and 0021): rate counters (<c>rate#…</c>), idempotency records
/// (<c>idem#…</c>) and side-effect claims (<c>effect#…</c>), one item each under <c>pk</c>. Every item
/// carries <see cref="Ttl"/> (epoch seconds) for DynamoDB's time-to-live; the code never relies on TTL
/// having deleted anything (it runs up to days late) and treats expired items as absent itself.
/// </summary>
public static class GuardsTable
{
    public const string Pk = "pk";

    /// <summary>The time-to-live attribute, enabled by the template and by provisioning.</summary>
    public const string Ttl = "ttl";

    public static CreateTableRequest Definition(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        KeySchema = [new KeySchemaElement(Pk, KeyType.HASH)],
        AttributeDefinitions = [new AttributeDefinition(Pk, ScalarAttributeType.S)],
    };
}
