using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Logging;

/// <summary>
/// One JSON object per log line, written synchronously: Lambda freezes the process as soon as the
/// response is posted, so a logger that writes from a background queue (as the console logger does)
/// would hold lines back until the next invocation. CloudWatch reads each line as a structured event.
/// </summary>
public sealed class JsonLinesLoggerProvider(Stream output, TimeProvider clock) : ILoggerProvider, ISupportExternalScope, IJsonLineWriter
{
    private readonly Lock _gate = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new JsonLinesLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => output.Flush();

    public void WriteLine(ReadOnlySpan<byte> utf8Json)
    {
        lock (_gate)
        {
            output.Write(utf8Json);
            output.Write("\n"u8);
            output.Flush();
        }
    }

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", clock.GetUtcNow().UtcDateTime);
            json.WriteString("level", level.ToString());
            json.WriteString("category", category);
            json.WriteString("message", formatter(state, exception));
            if (eventId.Id != 0)
            {
                json.WriteNumber("eventId", eventId.Id);
            }

            var written = new HashSet<string>(StringComparer.Ordinal) { "timestamp", "level", "category", "message", "eventId", "exception" };
            _scopes.ForEachScope((scope, w) => WriteFields(w, scope, written), json);
            WriteFields(json, state, written);
            if (exception is not null)
            {
                json.WriteString("exception", exception.ToString());
            }

            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        lock (_gate)
        {
            output.Write(buffer.WrittenSpan);
            output.Flush();
        }
    }

    private static void WriteFields(Utf8JsonWriter json, object? state, HashSet<string> written)
    {
        if (state is not IEnumerable<KeyValuePair<string, object?>> fields)
        {
            return;
        }

        foreach (var (key, value) in fields)
        {
            // "{OriginalFormat}" is the message template; the rendered message is already there.
            if (value is null || key.StartsWith('{') || !written.Add(key))
            {
                continue;
            }

            switch (value)
            {
                case string s:
                    json.WriteString(key, s);
                    break;
                case int or long or short or byte or uint:
                    json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case ulong u:
                    json.WriteNumber(key, u);
                    break;
                case decimal m:
                    json.WriteNumber(key, m);
                    break;
                // JSON has no NaN or infinity; those go out as text like everything else.
                case double d when double.IsFinite(d):
                    json.WriteNumber(key, d);
                    break;
                case float f when float.IsFinite(f):
                    json.WriteNumber(key, f);
                    break;
                case bool b:
                    json.WriteBoolean(key, b);
                    break;
                default:
                    json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    private sealed class JsonLinesLogger(JsonLinesLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
