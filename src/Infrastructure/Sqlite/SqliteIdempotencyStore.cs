using System.Security.Cryptography;
using CleanCqrs.Application.Common.Ports;
using Microsoft.Data.Sqlite;

namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>
/// Idempotency records in SQLite: one row per key. A claim reads and writes the row in one
/// <c>BEGIN IMMEDIATE</c> transaction, so of two concurrent requests with one key exactly one claims it.
/// </summary>
public sealed class SqliteIdempotencyStore(SqliteGuardsDatabase guards) : IIdempotencyStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS idempotency (
            key          TEXT    NOT NULL PRIMARY KEY,
            fingerprint  TEXT    NOT NULL,
            claim        TEXT    NOT NULL,
            lease_until  INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL,
            status       INTEGER,
            content_type TEXT,
            body         BLOB,
            etag         TEXT,
            location     TEXT,
            retry_after  TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at);
        """;

    private SqliteDatabase Database => guards.Database;

    public async ValueTask<IdempotencyClaim> TryClaimAsync(
        string key, string fingerprint, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await Database.EnsureSchemaAsync(Schema, cancellationToken);
        return await Database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using (var prune = Command(connection, transaction, "DELETE FROM idempotency WHERE expires_at <= $now"))
                {
                    prune.Parameters.AddWithValue("$now", now.UtcTicks);
                    await prune.ExecuteNonQueryAsync(ct);
                }

                if (await ReadLiveAsync(connection, transaction, key, now, ct) is { } existing)
                {
                    return new IdempotencyClaim(null, existing);
                }

                var claim = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                await using var insert = Command(connection, transaction, """
                    INSERT OR REPLACE INTO idempotency (key, fingerprint, claim, lease_until, expires_at)
                    VALUES ($key, $fingerprint, $claim, $lease, $lease)
                    """);
                insert.Parameters.AddWithValue("$key", key);
                insert.Parameters.AddWithValue("$fingerprint", fingerprint);
                insert.Parameters.AddWithValue("$claim", claim);
                insert.Parameters.AddWithValue("$lease", (now + lease).UtcTicks);
                await insert.ExecuteNonQueryAsync(ct);
                return new IdempotencyClaim(claim, null);
            },
            cancellationToken);
    }

    public async ValueTask CompleteAsync(
        string key, string claimId, IdempotentResponse response, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await Database.EnsureSchemaAsync(Schema, cancellationToken);
        await Database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var update = Command(connection, transaction, """
                    UPDATE idempotency SET status = $status, content_type = $contentType, body = $body, etag = $etag,
                        location = $location, retry_after = $retryAfter, expires_at = $expires, lease_until = 0
                    WHERE key = $key AND claim = $claim AND status IS NULL
                    """);
                update.Parameters.AddWithValue("$key", key);
                update.Parameters.AddWithValue("$claim", claimId);
                update.Parameters.AddWithValue("$status", response.StatusCode);
                update.Parameters.AddWithValue("$contentType", (object?)response.ContentType ?? DBNull.Value);
                update.Parameters.AddWithValue("$body", response.Body);
                update.Parameters.AddWithValue("$etag", (object?)response.ETag ?? DBNull.Value);
                update.Parameters.AddWithValue("$location", (object?)response.Location ?? DBNull.Value);
                update.Parameters.AddWithValue("$retryAfter", (object?)response.RetryAfter ?? DBNull.Value);
                update.Parameters.AddWithValue("$expires", expiresAt.UtcTicks);
                return await update.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    public async ValueTask ReleaseAsync(string key, string claimId, CancellationToken cancellationToken)
    {
        await Database.EnsureSchemaAsync(Schema, cancellationToken);
        await Database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var delete = Command(connection, transaction,
                    "DELETE FROM idempotency WHERE key = $key AND claim = $claim AND status IS NULL");
                delete.Parameters.AddWithValue("$key", key);
                delete.Parameters.AddWithValue("$claim", claimId);
                return await delete.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    private static async ValueTask<IdempotencyRecord?> ReadLiveAsync(
        SqliteConnection connection, SqliteTransaction transaction, string key, DateTimeOffset now, CancellationToken ct)
    {
        await using var select = Command(connection, transaction, """
            SELECT fingerprint, lease_until, status, content_type, body, etag, location, retry_after
            FROM idempotency WHERE key = $key
            """);
        select.Parameters.AddWithValue("$key", key);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var leaseUntil = reader.GetInt64(1);
        if (reader.IsDBNull(2))
        {
            // In progress; a lease that ran out belongs to a request that died: the key is free again.
            return leaseUntil > now.UtcTicks
                ? new IdempotencyRecord(reader.GetString(0), null, new DateTimeOffset(leaseUntil, TimeSpan.Zero))
                : null;
        }

        return new IdempotencyRecord(
            reader.GetString(0),
            new IdempotentResponse(
                reader.GetInt32(2),
                NullableString(reader, 3),
                reader.IsDBNull(4) ? [] : (byte[])reader.GetValue(4),
                NullableString(reader, 5),
                NullableString(reader, 6),
                NullableString(reader, 7)),
            DateTimeOffset.MinValue);
    }

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
