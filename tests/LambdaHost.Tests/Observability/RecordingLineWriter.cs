using System.Text;
using System.Text.Json;
using CleanCqrs.LambdaHost.Logging;

namespace CleanCqrs.LambdaHost.Tests.Observability;

/// <summary>Keeps every line written, for the EMF tests to parse.</summary>
internal sealed class RecordingLineWriter : IJsonLineWriter
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void WriteLine(ReadOnlySpan<byte> utf8Json)
    {
        var line = Encoding.UTF8.GetString(utf8Json);
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    public JsonDocument[] Documents() => [.. Lines.Select(l => JsonDocument.Parse(l))];
}
