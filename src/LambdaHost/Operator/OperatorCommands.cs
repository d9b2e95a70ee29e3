using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.LambdaHost.Operator;

/// <summary>
/// The operator commands that look at the data without a database shell, on whichever store and
/// broker the configuration names: <c>events</c>, <c>streams</c>, <c>dead-letters [--requeue]</c>.
/// Results go to standard output (one line each, for pipes); progress and the closing count to
/// standard error.
/// </summary>
public static class OperatorCommands
{
    /// <summary>How often a long listing says how far it got.</summary>
    public const int ProgressEvery = 1000;

    public static async Task<int> RunAsync(
        OperatorInvocation invocation,
        TextWriter output,
        TextWriter error,
        Func<string, string?> environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ServiceSettings settings;
        try
        {
            settings = HostOptions.Parse(invocation.HostArguments).Settings(environment);
        }
        catch (SettingsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return Program.ExitUsage;
        }

        // Local files are only ever read here: a mistyped --data-dir must not leave a fresh, empty store behind.
        var usesDataDirectory = invocation.Command == OperatorInvocation.DeadLetters
            ? settings.Broker == BrokerKind.InProc
            : settings.Store == StoreKind.Sqlite;
        if (usesDataDirectory && !Directory.Exists(settings.DataDirectory))
        {
            await error.WriteLineAsync($"There is no data directory at {Path.GetFullPath(settings.DataDirectory)} (set --data-dir or CLEANCQRS_DATA_DIR).");
            return Program.ExitUsage;
        }

        if (invocation.Command == OperatorInvocation.DeadLetters && settings.Broker != BrokerKind.InProc)
        {
            // The SQS dead-letter queue needs neither the store nor the keys: nothing local is touched.
            return await GuardAsync(invocation, error, () => DeadLettersAsync(null, settings, environment, invocation.Requeue, output, error, cancellationToken));
        }

        ServiceProvider provider;
        try
        {
            provider = Composition.BuildServiceProvider(settings, LogFormat.None, services => services.AddInfrastructure(settings, environment));
        }
        catch (SettingsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return Program.ExitUsage;
        }

        await using (provider)
        {
            return await GuardAsync(invocation, error, () => invocation.Command switch
            {
                OperatorInvocation.Events => EventsAsync(provider.GetRequiredService<IEventStore>(), invocation.StreamId!, settings, output, error, cancellationToken),
                OperatorInvocation.Streams => StreamsAsync(provider.GetRequiredService<IEventStore>(), settings, output, error, cancellationToken),
                _ => DeadLettersAsync(provider, settings, environment, invocation.Requeue, output, error, cancellationToken),
            });
        }
    }

    /// <summary>Like provision and rebuild-projections: a bad setting or an unreachable store is one line, not a stack trace.</summary>
    private static async Task<int> GuardAsync(OperatorInvocation invocation, TextWriter error, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (SettingsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return Program.ExitUsage;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await error.WriteLineAsync($"{invocation.Command} failed: {ex.Message}");
            return Program.ExitFailure;
        }
    }

    private static async Task<int> EventsAsync(
        IEventStore store, string streamId, ServiceSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var stored in store.ReadStreamAsync(streamId, 0, cancellationToken))
        {
            await output.WriteLineAsync(EventSerializer.ToEnvelopeJson(stored));
            if (++count % ProgressEvery == 0)
            {
                await error.WriteLineAsync($"... {count} events");
            }
        }

        if (count == 0)
        {
            await error.WriteLineAsync($"Stream '{streamId}' has no events in the {StoreName(settings)} (see `streams`).");
            return Program.ExitFailure;
        }

        await error.WriteLineAsync($"{count} event(s) in stream '{streamId}'.");
        return Program.ExitOk;
    }

    private static async Task<int> StreamsAsync(
        IEventStore store, ServiceSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var streamId in store.ListStreamsAsync(cancellationToken))
        {
            await output.WriteLineAsync(streamId);
            if (++count % ProgressEvery == 0)
            {
                await error.WriteLineAsync($"... {count} streams");
            }
        }

        await error.WriteLineAsync($"{count} stream(s) in the {StoreName(settings)}.");
        return Program.ExitOk;
    }

    private static async Task<int> DeadLettersAsync(
        IServiceProvider? provider, ServiceSettings settings, Func<string, string?> environment, bool requeue,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var queue = DeadLetterQueue(provider, settings, environment);
        using var owned = queue as IDisposable;
        if (requeue)
        {
            var progress = new SynchronousProgress(total => error.WriteLine($"... {total} requeued"));
            var requeued = await queue.RequeueAsync(progress, cancellationToken);
            await output.WriteLineAsync($"Requeued {requeued} dead letter(s) from {queue.Description}.");
            return Program.ExitOk;
        }

        var count = 0;
        await foreach (var message in queue.ListAsync(cancellationToken))
        {
            await output.WriteLineAsync(message.ToJsonLine());
            if (++count % ProgressEvery == 0)
            {
                await error.WriteLineAsync($"... {count} dead letters");
            }
        }

        await error.WriteLineAsync($"{count} dead letter(s) in {queue.Description}.");
        return Program.ExitOk;
    }

    private static IDeadLetterQueue DeadLetterQueue(IServiceProvider? provider, ServiceSettings settings, Func<string, string?> environment) =>
        settings.Broker == BrokerKind.InProc && provider is not null
            ? new InProcDeadLetterQueue(provider.GetRequiredService<InProcBroker>(), settings.DataDirectory)
            : SqsDeadLetterQueue.FromEnvironment(environment);

    private static string StoreName(ServiceSettings settings) => settings.Store == StoreKind.Sqlite
        ? $"SQLite store in {Path.GetFullPath(settings.DataDirectory)}"
        : "DynamoDB store";

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
