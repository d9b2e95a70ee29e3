using System.Collections;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>
/// Everything the service logs, as text: each message, its structured values, its exception and the
/// scopes around it, so a test can search all of it for what must never be logged.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Entries => [.. _entries];

    public string AllText => string.Join('\n', _entries);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static void AppendValues(StringBuilder text, object? state)
    {
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                text.Append(' ').Append(key).Append('=').Append(Describe(value));
            }
        }
        else if (state is not null)
        {
            text.Append(' ').Append(state);
        }
    }

    private static string? Describe(object? value) => value switch
    {
        null => null,
        string s => s,
        IEnumerable items => string.Join(",", items.Cast<object?>()),
        _ => value.ToString(),
    };

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            AppendValues(text, state);
            owner._scopes.ForEachScope((scope, builder) => AppendValues(builder.Append(" scope:"), scope), text);
            if (exception is not null)
            {
                text.Append('\n').Append(exception);
            }

            owner._entries.Enqueue(text.ToString());
        }
    }
}
