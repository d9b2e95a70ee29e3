using System.Globalization;
using System.Text;
using CleanCqrs.Infrastructure.Serialization;
using Microsoft.Data.Sqlite;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>Reads the service's SQLite files read-only, beside a service that may still be writing them (WAL).</summary>
public static class SqliteFiles
{
    public static async Task<SqliteConnection> OpenReadOnlyAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<long> ScalarAsync(string path, string sql)
    {
        await using var connection = await OpenReadOnlyAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of every table, in key order, as text: two dumps are equal when the contents are.</summary>
    public static async Task<string> DumpAsync(string path)
    {
        if (!File.Exists(path))
        {
            return "(no file)";
        }

        await using var connection = await OpenReadOnlyAsync(path);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            dump.Append("== ").AppendLine(table);
            await using var select = connection.CreateCommand();
            // Table names come from sqlite_master of a file this test owns.
#pragma warning disable CA2100
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1, 2";
#pragma warning restore CA2100
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    dump.Append(reader.GetName(i)).Append('=').Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('\t');
                }

                dump.AppendLine();
            }
        }

        return dump.ToString();
    }

    /// <summary>The org streams in an <c>events.db</c>, keyed by org id.</summary>
    public static async Task<Dictionary<string, IReadOnlyList<(long Version, OrgProfileText Profile)>>> OrgStreamsAsync(string eventsDb)
    {
        await using var connection = await OpenReadOnlyAsync(eventsDb);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT stream_id, expected_version, events FROM commits WHERE stream_id LIKE 'org-%' ORDER BY stream_id, version";
        await using var reader = await command.ExecuteReaderAsync();
        var streams = new Dictionary<string, List<(long, OrgProfileText)>>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var streamId = reader.GetString(0);
            var orgId = streamId["org-".Length..];
            if (!streams.TryGetValue(orgId, out var events))
            {
                streams[orgId] = events = [];
            }

            foreach (var stored in CommitSerializer.DeserializeEvents(streamId, reader.GetInt64(1), Encoding.UTF8.GetBytes(reader.GetString(2))))
            {
                events.Add((stored.Version, OrgProfileText.Of(stored.Data)!));
            }
        }

        return streams.ToDictionary(s => s.Key, s => (IReadOnlyList<(long, OrgProfileText)>)s.Value, StringComparer.Ordinal);
    }
}
