using System.Diagnostics;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Outbox;
using CleanCqrs.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Common.EventSourcing;

/// <summary>What the caller expects of the stream's version before a command (an <c>If-Match</c>).</summary>
public readonly record struct ExpectedVersion
{
    /// <summary>The most versions one expectation may list (SPEC 5.3: more entity tags are a 400).</summary>
    public const int MaxVersions = 16;

    private readonly long[]? _versions;

    private ExpectedVersion(bool existing, long[]? versions)
    {
        IsExisting = existing;
        _versions = versions;
    }

    /// <summary>No expectation: a lost race is decided again on the fresh state.</summary>
    public static ExpectedVersion Any => default;

    /// <summary><c>*</c>: any version of a stream that exists; a lost race is decided again.</summary>
    public static ExpectedVersion Existing => new(true, null);

    public static ExpectedVersion Is(long version) => OneOf([version]);

    /// <summary>Exactly one of these versions (none: nothing can match); a lost race is a failed precondition.</summary>
    public static ExpectedVersion OneOf(IEnumerable<long> versions)
    {
        var distinct = versions.Distinct().ToArray();
        return distinct.Length <= MaxVersions
            ? new ExpectedVersion(false, distinct)
            : throw new ArgumentOutOfRangeException(nameof(versions), $"At most {MaxVersions} versions may be expected.");
    }

    /// <summary>Whether the stream must exist (any expectation other than <see cref="Any"/>).</summary>
    public bool IsConditional => IsExisting || _versions is not null;

    /// <summary>Whether the command may only land on a version the caller named.</summary>
    public bool IsPinned => _versions is not null;

    public bool IsExisting { get; }

    public IReadOnlyList<long> Versions => _versions ?? [];

    public bool Matches(long version) => _versions is null || Array.IndexOf(_versions, version) >= 0;

    public bool Equals(ExpectedVersion other) =>
        IsExisting == other.IsExisting && Versions.SequenceEqual(other.Versions) && (_versions is null) == (other._versions is null);

    public override int GetHashCode() => HashCode.Combine(IsExisting, _versions?.Length);
}

/// <summary>The stream after a command: its state, version and the events this command added.</summary>
public sealed record Committed<TState>(TState State, long Version, IReadOnlyList<StoredEvent> Events);

/// <summary>
/// Runs one command against one stream: load (one read), check the caller's expectation, decide,
/// append with the expected version (one conditional write). A lost race is decided again on the
/// fresh state unless the caller pinned the version. After a successful append the commit is handed
/// to the outbox.
/// </summary>
public sealed class CommandRunner(
    IEventStore store, IPublisher publisher, TimeProvider clock, ILogger<CommandRunner> logger, IMetrics metrics)
{
    /// <summary>Enough for every writer of a heavily contended stream to get its turn.</summary>
    public const int MaxAttempts = 200;

    /// <summary>A lost race is retried at once twice, then within 1 ms doubling to 20 ms: a write is only milliseconds long.</summary>
    private static readonly Backoff ConflictBackoff = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20), immediateRetries: 2);

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
            metrics.Duration(MetricNames.StoreLoadLatency, Stopwatch.GetElapsedTime(started));
            // RFC 9110 section 13.1.1: with no current representation no If-Match can hold, not even "*".
            if (expected.IsConditional && loaded.Version == 0)
            {
                return new PreconditionFailedError("It does not exist, so If-Match cannot match it.");
            }

            var decision = await decide(loaded, cancellationToken);
            if (decision.IsAccepted && !expected.Matches(loaded.Version))
            {
                return new PreconditionFailedError(
                    $"If-Match does not match the current version ({loaded.Version}); read it again and retry.");
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
            metrics.Duration(MetricNames.StoreAppendLatency, Stopwatch.GetElapsedTime(started));
            if (appended)
            {
                await publisher.Publish(new EventsCommitted(commit), cancellationToken);
                return decision.Error is { } error
                    ? Result<Committed<TState>>.Failure(error)
                    : new Committed<TState>((TState)commit.Snapshot, commit.Version, commit.Events);
            }

            if (expected.IsPinned)
            {
                return new PreconditionFailedError("The stream changed while the command ran.");
            }

            if (attempt >= MaxAttempts)
            {
                logger.LogWarning("Gave up on {StreamId} after {Attempts} concurrency conflicts", streamId, attempt);
                return new ConflictError("The resource is too busy; try again.");
            }

            await ConflictBackoff.DelayAsync(attempt, clock, cancellationToken);
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
}
