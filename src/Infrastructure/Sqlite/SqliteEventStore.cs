using System.Runtime.CompilerServices;
using System.Text;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Infrastructure.Serialization;
using Microsoft.Data.Sqlite;

namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>
/// The event store in SQLite: one row per commit, keyed by (stream, version after the commit), with
/// the commit's events as a JSON array and the state after it as a snapshot.
/// </summary>
/// <remarks>
/// The append is one <c>INSERT … SELECT … WHERE</c> that only inserts when the stream's stored version
/// is the commit's expected version; the primary key and a unique (stream, expected version) index
/// make a second writer at the same expected version fail even if that check were bypassed.
/// </remarks>
public sealed class SqliteEventStore(SqliteDatabase database) : IEventStore
{
    private const int PageSize = 200;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS commits (
            stream_id        TEXT    NOT NULL,
            version          INTEGER NOT NULL,
            expected_version INTEGER NOT NULL,
            events           TEXT    NOT NULL,
            snapshot_type    TEXT    NOT NULL,
            snapshot         TEXT    NOT NULL,
            committed_at     TEXT    NOT NULL,
            published        INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (stream_id, version)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS commits_expected_version ON commits (stream_id, expected_version);
        CREATE INDEX IF NOT EXISTS commits_pending ON commits (committed_at, stream_id, version) WHERE published = 0;
        """;

    public async ValueTask<LoadedStream<TState>> LoadAsync<TState>(string streamId, CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState>
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        await database.EnsureSchemaAsync(Schema, cancellationToken);
        var latest = await database.ReadAsync(
            async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT version, snapshot_type, snapshot FROM commits
                    WHERE stream_id = $stream ORDER BY version DESC LIMIT 1
                    """;
                command.Parameters.AddWithValue("$stream", streamId);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct)
                    ? (Found: true, Version: reader.GetInt64(0), Type: reader.GetString(1), Json: reader.GetString(2))
                    : default;
            },
            cancellationToken);

        if (!latest.Found)
        {
            return new LoadedStream<TState>(TState.Initial, 0);
        }

        // A snapshot written by an older shape of the state is folded from the events, which still say everything.
        return SnapshotSerializer.Deserialize<TState>(latest.Type, Encoding.UTF8.GetBytes(latest.Json)) is { } snapshot
            ? new LoadedStream<TState>(snapshot, latest.Version)
            : await this.FoldAsync<TState>(streamId, latest.Version, cancellationToken);
    }

    public async ValueTask<bool> TryAppendAsync(Commit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        commit.ThrowIfNotContiguous();
        await database.EnsureSchemaAsync(Schema, cancellationToken);
        var events = Encoding.UTF8.GetString(CommitSerializer.SerializeEvents(commit.Events));
        var (snapshotType, snapshotJson) = SnapshotSerializer.Serialize(commit.Snapshot);
        try
        {
            return await database.WriteAsync(
                async (connection, transaction, ct) =>
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = """
                        INSERT INTO commits (stream_id, version, expected_version, events, snapshot_type, snapshot, committed_at, published)
                        SELECT $stream, $version, $expected, $events, $snapshotType, $snapshot, $committedAt, 0
                        WHERE (SELECT COALESCE(MAX(version), 0) FROM commits WHERE stream_id = $stream) = $expected
                        """;
                    command.Parameters.AddWithValue("$stream", commit.StreamId);
                    command.Parameters.AddWithValue("$version", commit.Version);
                    command.Parameters.AddWithValue("$expected", commit.ExpectedVersion);
                    command.Parameters.AddWithValue("$events", events);
                    command.Parameters.AddWithValue("$snapshotType", snapshotType);
                    command.Parameters.AddWithValue("$snapshot", Encoding.UTF8.GetString(snapshotJson));
                    command.Parameters.AddWithValue("$committedAt", SqliteTime.Format(commit.CommittedAt));
                    return await command.ExecuteNonQueryAsync(ct) == 1;
                },
                cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT)
        {
            // Only reachable if the version check were bypassed; the keys still refuse the second writer.
            return false;
        }
    }

    public async IAsyncEnumerable<StoredEvent> ReadStreamAsync(
        string streamId, long afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        await database.EnsureSchemaAsync(Schema, cancellationToken);
        // Paged, so a slow consumer of a long stream holds no read transaction open.
        var after = afterVersion;
        while (true)
        {
            var page = await ReadCommitsAsync(streamId, after, cancellationToken);
            foreach (var (expectedVersion, events) in page)
            {
                foreach (var stored in CommitSerializer.DeserializeEvents(streamId, expectedVersion, Encoding.UTF8.GetBytes(events)))
                {
                    if (stored.Version > afterVersion)
                    {
                        yield return stored;
                    }

                    after = stored.Version;
                }
            }

            if (page.Count < PageSize)
            {
                yield break;
            }
        }
    }

    public async IAsyncEnumerable<string> ListStreamsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await database.EnsureSchemaAsync(Schema, cancellationToken);
        var after = string.Empty;
        while (true)
        {
            var page = await database.ReadAsync(
                async (connection, ct) =>
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = """
                        SELECT DISTINCT stream_id FROM commits
                        WHERE stream_id > $after ORDER BY stream_id LIMIT $limit
                        """;
                    command.Parameters.AddWithValue("$after", after);
                    command.Parameters.AddWithValue("$limit", PageSize);
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    var ids = new List<string>(PageSize);
                    while (await reader.ReadAsync(ct))
                    {
                        ids.Add(reader.GetString(0));
                    }

                    return ids;
                },
                cancellationToken);

            foreach (var id in page)
            {
                yield return id;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1];
        }
    }

    public async ValueTask<IReadOnlyList<Commit>> ReadPendingAsync(
        DateTimeOffset committedBefore, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return [];
        }

        await database.EnsureSchemaAsync(Schema, cancellationToken);
        return await database.ReadAsync<IReadOnlyList<Commit>>(
            async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT stream_id, expected_version, events, snapshot_type, snapshot, committed_at FROM commits
                    WHERE published = 0 AND committed_at < $before
                    ORDER BY committed_at, stream_id, version LIMIT $max
                    """;
                command.Parameters.AddWithValue("$before", SqliteTime.Format(committedBefore));
                command.Parameters.AddWithValue("$max", max);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var commits = new List<Commit>();
                while (await reader.ReadAsync(ct))
                {
                    var streamId = reader.GetString(0);
                    var expectedVersion = reader.GetInt64(1);
                    var snapshotType = reader.GetString(3);
                    var snapshotJson = reader.GetString(4);
                    commits.Add(new Commit(
                        streamId,
                        expectedVersion,
                        CommitSerializer.DeserializeEvents(streamId, expectedVersion, Encoding.UTF8.GetBytes(reader.GetString(2))),
                        SnapshotSerializer.Deserialize(snapshotType, Encoding.UTF8.GetBytes(snapshotJson))
                            ?? new UnknownSnapshot(snapshotType, snapshotJson),
                        SqliteTime.Parse(reader.GetString(5))));
                }

                return commits;
            },
            cancellationToken);
    }

    public async ValueTask MarkPublishedAsync(string streamId, long version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        await database.EnsureSchemaAsync(Schema, cancellationToken);
        await database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE commits SET published = 1
                    WHERE stream_id = $stream AND version = $version AND published = 0
                    """;
                command.Parameters.AddWithValue("$stream", streamId);
                command.Parameters.AddWithValue("$version", version);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    private ValueTask<List<(long ExpectedVersion, string Events)>> ReadCommitsAsync(
        string streamId, long afterVersion, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT expected_version, events FROM commits
                    WHERE stream_id = $stream AND version > $after ORDER BY version LIMIT $limit
                    """;
                command.Parameters.AddWithValue("$stream", streamId);
                command.Parameters.AddWithValue("$after", afterVersion);
                command.Parameters.AddWithValue("$limit", PageSize);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var commits = new List<(long, string)>(PageSize);
                while (await reader.ReadAsync(ct))
                {
                    commits.Add((reader.GetInt64(0), reader.GetString(1)));
                }

                return commits;
            },
            cancellationToken);
}
