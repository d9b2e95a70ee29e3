using System.Diagnostics;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Outbox;
using CleanCqrs.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Common.EventSourcing;

/// <summary>What the caller expects of the stream's version before a command.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long? exact) => Exact = exact;

    /// <summary>Null: any version (a lost race is retried on the fresh state); otherwise exactly this one.</summary>
    public long? Exact { get; }

    public static ExpectedVersion Any => default;

    public static ExpectedVersion Is(long version) => new(version);
}

/// <summary>The stream after a command: its state, version and the events this command added.</summary>
public sealed record Committed<TState>(TState State, long Version, IReadOnlyList<StoredEvent> Events);

/// <summary>
/// Runs one command against one stream: load (one read), decide, append with the expected version
/// (one conditional write). A lost race is decided again on the fresh state unless the caller pinned
/// the version. After a successful append the commit is handed to the outbox.
/// </summary>
public sealed class CommandRunner(
    IEventStore store, IPublisher publisher, TimeProvider clock, ILogger<CommandRunner> logger, IMetrics? metrics = null)
{
    private readonly IMetrics _metrics = metrics ?? NullMetrics.Instance;

    /// <summary>Enough for every writer of a heavily contended stream to get its turn.</summary>
    public const int MaxAttempts = 200;

    public async ValueTask<Result<Committed<TState>>> RunAsync<TState>(
        string streamId,
        ExpectedVersion expected,
        Func<LoadedStream<TState>, CancellationToken, ValueTask<Decision>> decide,
        CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState>
    {
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            var loaded = await store.LoadAsync<TState>(streamId, cancellationToken);
            _metrics.Duration(MetricNames.StoreLoadLatency, Stopwatch.GetElapsedTime(started));
            var decision = await decide(loaded, cancellationToken);

            if (decision.IsAccepted && expected.Exact is { } exact && exact != loaded.Version)
            {
                return new PreconditionFailedError(
                    $"The stream is at version {loaded.Version}, not {exact}.");
            }

            if (decision.Events.Count == 0)
            {
                return decision.Error is { } refusal
                    ? Result<Committed<TState>>.Failure(refusal)
                    : new Committed<TState>(loaded.State, loaded.Version, []);
            }

            var commit = ToCommit(streamId, loaded, decision.Events);
            started = Stopwatch.GetTimestamp();
            var appended = await store.TryAppendAsync(commit, cancellationToken);
            _metrics.Duration(MetricNames.StoreAppendLatency, Stopwatch.GetElapsedTime(started));
            if (appended)
            {
                await publisher.Publish(new EventsCommitted(commit), cancellationToken);
                return decision.Error is { } error
                    ? Result<Committed<TState>>.Failure(error)
                    : new Committed<TState>((TState)commit.Snapshot, commit.Version, commit.Events);
            }

            if (expected.Exact is not null)
            {
                return new PreconditionFailedError("The stream changed while the command ran.");
            }

            if (attempt >= MaxAttempts)
            {
                logger.LogWarning("Gave up on {StreamId} after {Attempts} concurrency conflicts", streamId, attempt);
                return new ConflictError("The resource is too busy; try again.");
            }

            await BackOffAsync(attempt, cancellationToken);
        }
    }

    private Commit ToCommit<TState>(string streamId, LoadedStream<TState> loaded, IReadOnlyList<IDomainEvent> events)
        where TState : class, IAggregateState<TState>
    {
        var now = clock.GetUtcNow();
        var metadata = RequestContext.Metadata;
        var stored = new StoredEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            stored[i] = new StoredEvent(Guid.CreateVersion7(now), streamId, loaded.Version + i + 1, events[i], now, metadata);
        }

        return new Commit(streamId, loaded.Version, stored, loaded.State.Fold(events), now);
    }

    // Jittered, so writers that collided do not collide again in lock step.
    private Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        attempt <= 2
            ? Task.CompletedTask
            : Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(attempt, 20))), clock, cancellationToken);
}
