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
/// A commit waiting for publication carries <c>pending</c> = "1" and <c>pendingSince</c> (its commit
/// time as fixed-width UTC, then "#" and its zero-padded seq, so it sorts by time and then version);
/// both are removed once it is published, so the <c>pending-index</c> GSI holds only the outbox
/// backlog that the sweeper reads.
/// </remarks>
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
    public const string Pending = "pending";
    public const string PendingSince = "pendingSince";
    public const string PendingIndex = "pending-index";

    /// <summary>The value of <see cref="Pending"/>: the index has one partition, the backlog is small.</summary>
    public const string PendingMarker = "1";

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
            new AttributeDefinition(Pending, ScalarAttributeType.S),
            new AttributeDefinition(PendingSince, ScalarAttributeType.S),
        ],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = PendingIndex,
                KeySchema =
                [
                    new KeySchemaElement(Pending, KeyType.HASH),
                    new KeySchemaElement(PendingSince, KeyType.RANGE),
                ],
                // The sweeper republishes straight from the index: it needs the events, not a second read.
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
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
