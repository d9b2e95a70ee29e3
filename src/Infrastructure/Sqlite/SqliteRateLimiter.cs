using System.Security.Cryptography;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Guards;
using Microsoft.Data.Sqlite;

namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>
/// Sliding-window counters in SQLite: one row per accepted acquisition and key. Checking every limit
/// and inserting the rows is one <c>BEGIN IMMEDIATE</c> transaction, so the counts are exact under any
/// concurrency of this or other processes on the file.
/// </summary>
public sealed class SqliteRateLimiter(SqliteGuardsDatabase guards) : IRateLimiter
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS rate_hits (
            key         TEXT    NOT NULL,
            at          INTEGER NOT NULL,
            reservation TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS rate_hits_by_key ON rate_hits (key, at);
        CREATE INDEX IF NOT EXISTS rate_hits_by_reservation ON rate_hits (reservation);
        """;

    private SqliteDatabase Database => guards.Database;

    public async ValueTask<RateDecision> TryAcquireAsync(
        IReadOnlyList<RateLimit> limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        await Database.EnsureSchemaAsync(Schema, cancellationToken);
        var keys = limits.GroupBy(l => l.Key, StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Longest: g.Max(l => l.Window)))
            .ToArray();
        return await Database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var hits = new Dictionary<string, List<long>>(StringComparer.Ordinal);
                foreach (var (key, longest) in keys)
                {
                    var since = now.UtcTicks - longest.Ticks;
                    await using (var prune = Command(connection, transaction, "DELETE FROM rate_hits WHERE key = $key AND at <= $since"))
                    {
                        prune.Parameters.AddWithValue("$key", key);
                        prune.Parameters.AddWithValue("$since", since);
                        await prune.ExecuteNonQueryAsync(ct);
                    }

                    await using var select = Command(connection, transaction, "SELECT at FROM rate_hits WHERE key = $key ORDER BY at");
                    select.Parameters.AddWithValue("$key", key);
                    await using var reader = await select.ExecuteReaderAsync(ct);
                    var times = new List<long>();
                    while (await reader.ReadAsync(ct))
                    {
                        times.Add(reader.GetInt64(0));
                    }

                    hits[key] = times;
                }

                if (SlidingWindows.FirstFull(limits, hits, now.UtcTicks) is { } refusal)
                {
                    return RateDecision.Refuse(refusal.Limit, refusal.Wait);
                }

                var reservation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                foreach (var (key, _) in keys)
                {
                    await using var insert = Command(connection, transaction,
                        "INSERT INTO rate_hits (key, at, reservation) VALUES ($key, $at, $reservation)");
                    insert.Parameters.AddWithValue("$key", key);
                    insert.Parameters.AddWithValue("$at", now.UtcTicks);
                    insert.Parameters.AddWithValue("$reservation", reservation);
                    await insert.ExecuteNonQueryAsync(ct);
                }

                return RateDecision.Accept(new RateReservation(reservation, [.. keys.Select(k => k.Key)]));
            },
            cancellationToken);
    }

    public async ValueTask ReleaseAsync(RateReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        await Database.EnsureSchemaAsync(Schema, cancellationToken);
        await Database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var delete = Command(connection, transaction, "DELETE FROM rate_hits WHERE reservation = $reservation");
                delete.Parameters.AddWithValue("$reservation", reservation.Id);
                return await delete.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
