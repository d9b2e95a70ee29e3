using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>Side-effect claims in SQLite: a row per (effect, event id), inserted only when absent.</summary>
public sealed class SqliteEffectClaims(SqliteGuardsDatabase guards) : IEffectClaims
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS effect_claims (
            effect     TEXT    NOT NULL,
            id         TEXT    NOT NULL,
            keep_until INTEGER NOT NULL,
            PRIMARY KEY (effect, id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS effect_claims_expiry ON effect_claims (keep_until);
        """;

    private SqliteDatabase Database => guards.Database;

    public async ValueTask<bool> TryClaimAsync(
        string effect, string eventId, DateTimeOffset now, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(effect);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        await Database.EnsureSchemaAsync(Schema, cancellationToken);
        return await Database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using (var prune = connection.CreateCommand())
                {
                    prune.Transaction = transaction;
                    prune.CommandText = "DELETE FROM effect_claims WHERE keep_until <= $now";
                    prune.Parameters.AddWithValue("$now", now.UtcTicks);
                    await prune.ExecuteNonQueryAsync(ct);
                }

                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT OR IGNORE INTO effect_claims (effect, id, keep_until) VALUES ($effect, $id, $keep)";
                insert.Parameters.AddWithValue("$effect", effect);
                insert.Parameters.AddWithValue("$id", eventId);
                insert.Parameters.AddWithValue("$keep", keepUntil.UtcTicks);
                return await insert.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async ValueTask ReleaseAsync(string effect, string eventId, CancellationToken cancellationToken)
    {
        await Database.EnsureSchemaAsync(Schema, cancellationToken);
        await Database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM effect_claims WHERE effect = $effect AND id = $id";
                delete.Parameters.AddWithValue("$effect", effect);
                delete.Parameters.AddWithValue("$id", eventId);
                return await delete.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }
}
