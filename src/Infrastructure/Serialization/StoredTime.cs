using System.Globalization;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// Timestamps as both event stores keep them: fixed-width ISO-8601 UTC text with 100 ns precision,
/// exact on the round trip and ordered by plain text comparison (the pending indexes rely on it).
/// </summary>
public static class StoredTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        new(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
