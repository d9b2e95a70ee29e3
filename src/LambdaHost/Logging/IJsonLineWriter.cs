namespace CleanCqrs.LambdaHost.Logging;

/// <summary>
/// Writes whole lines of JSON to the function's log. Everything that shares stdout goes through one
/// writer, so a metrics line and a log line never interleave.
/// </summary>
public interface IJsonLineWriter
{
    /// <summary>Writes <paramref name="utf8Json"/> (one JSON value, no line break) and a line break, and flushes.</summary>
    void WriteLine(ReadOnlySpan<byte> utf8Json);
}
