using System.Globalization;

namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>
/// Timestamps as fixed-width ISO-8601 UTC text with 100 ns precision: readable in the sqlite3 shell,
/// exact on the round trip, and ordered by plain text comparison (which the pending index relies on).
/// </summary>
internal static class SqliteTime
{
    private const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        new(DateTime.ParseExact(text, IsoFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
