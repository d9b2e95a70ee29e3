using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Reliability.Tests.Support;

public sealed record LogEntry(LogLevel Level, string Category, string Message, string? Exception, IReadOnlyList<string> Scopes);

/// <summary>Keeps every log line of the service, with its exception and scopes, as text.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            provider._scopes.ForEachScope(
                (scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        list.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
                    }
                    else if (scope is not null)
                    {
                        list.Add(scope.ToString() ?? string.Empty);
                    }
                },
                scopes);

            // The structured values too: a secret could hide in a parameter the message template leaves out.
            var values = state is IEnumerable<KeyValuePair<string, object?>> properties
                ? string.Join(" ", properties.Select(p => $"{p.Key}={p.Value}"))
                : string.Empty;
            provider._entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception) + " | " + values, exception?.ToString(), scopes));
        }
    }
}
