using CleanCqrs.Infrastructure.Serialization;

namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>Timestamps in the SQLite store: <see cref="StoredTime"/>, readable in the sqlite3 shell.</summary>
internal static class SqliteTime
{
    public static string Format(DateTimeOffset value) => StoredTime.ToText(value);

    public static DateTimeOffset Parse(string text) => StoredTime.Parse(text);
}
