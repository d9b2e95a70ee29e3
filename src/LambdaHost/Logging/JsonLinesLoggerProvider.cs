using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CleanCqrs.LambdaHost.Observability;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Logging;

/// <summary>
/// One JSON object per log line, written synchronously: Lambda freezes the process as soon as the
/// response is posted, so a logger that writes from a background queue (as the console logger does)
/// would hold lines back until the next invocation. The fields are the ones Powertools for AWS Lambda
/// writes and Lambda's advanced logging controls read (<c>LogFormat: JSON</c>): <c>timestamp</c>,
/// <c>level</c> (<c>TRACE</c> … <c>FATAL</c>), <c>message</c>, <c>service</c>, <c>cold_start</c>,
/// <c>function_name</c>, <c>function_request_id</c>, <c>xray_trace_id</c>; then the logger's
/// <c>category</c>, the message's own fields and the exception.
/// </summary>
/// <remarks>
/// The invocation's fields come from the scope the runtime loop and the function open: the keys
/// <see cref="RequestIdScope"/>, <see cref="TraceIdScope"/> (the whole X-Ray header; the line carries its
/// <c>Root</c> id, as Powertools does) and <see cref="ColdStartScope"/>.
/// </remarks>
public sealed class JsonLinesLoggerProvider(Stream output, TimeProvider clock, ObservabilitySettings? settings = null)
    : ILoggerProvider, ISupportExternalScope, IJsonLineWriter
{
    public const string RequestIdScope = "AwsRequestId";
    public const string TraceIdScope = "TraceId";
    public const string ColdStartScope = "ColdStart";

    private static readonly string[] Reserved =
    [
        "timestamp", "level", "message", "service", "cold_start", "function_name", "function_request_id", "xray_trace_id",
        "category", "eventId", "exception", RequestIdScope, TraceIdScope, ColdStartScope,
    ];

    private readonly Lock _gate = new();
    private readonly ObservabilitySettings _settings = settings ?? ObservabilitySettings.Default;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public LogLevel MinimumLevel => _settings.MinimumLevel;

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

    /// <summary>The <c>Root</c> of an X-Ray trace header (<c>Root=1-…;Parent=…;Sampled=1</c>), or the value as given.</summary>
    public static string TraceRoot(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("Root=", StringComparison.Ordinal))
            {
                return part["Root=".Length..];
            }
        }

        return header;
    }

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var invocation = new InvocationFields();
        _scopes.ForEachScope(static (scope, fields) => fields.Read(scope), invocation);

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", ObservabilitySettings.LevelName(level));
            json.WriteString("message", formatter(state, exception));
            json.WriteString("service", _settings.ServiceName);
            if (invocation.ColdStart is { } coldStart)
            {
                json.WriteBoolean("cold_start", coldStart);
            }

            if (_settings.FunctionName is { } functionName)
            {
                json.WriteString("function_name", functionName);
            }

            if (invocation.RequestId is { } requestId)
            {
                json.WriteString("function_request_id", requestId);
            }

            if (invocation.TraceId is { } traceId)
            {
                json.WriteString("xray_trace_id", TraceRoot(traceId));
            }

            json.WriteString("category", category);
            if (eventId.Id != 0)
            {
                json.WriteNumber("eventId", eventId.Id);
            }

            var written = new HashSet<string>(Reserved, StringComparer.Ordinal);
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

    /// <summary>The invocation's fields, the innermost scope's value winning.</summary>
    private sealed class InvocationFields
    {
        public string? RequestId { get; private set; }

        public string? TraceId { get; private set; }

        public bool? ColdStart { get; private set; }

        public void Read(object? scope)
        {
            if (scope is not IEnumerable<KeyValuePair<string, object?>> fields)
            {
                return;
            }

            foreach (var (key, value) in fields)
            {
                switch (key)
                {
                    case RequestIdScope when value is string requestId:
                        RequestId = requestId;
                        break;
                    case TraceIdScope when value is string { Length: > 0 } traceId:
                        TraceId = traceId;
                        break;
                    case ColdStartScope when value is bool coldStart:
                        ColdStart = coldStart;
                        break;
                }
            }
        }
    }

    private sealed class JsonLinesLogger(JsonLinesLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
