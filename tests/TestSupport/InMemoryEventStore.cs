using System.Runtime.CompilerServices;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.TestSupport;

/// <summary>An event store in memory with the port's contract: conditional append, snapshots, pending commits.</summary>
public sealed class InMemoryEventStore : IEventStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Commit>> _streams = new(StringComparer.Ordinal);
    private readonly HashSet<(string StreamId, long Version)> _published = [];

    /// <summary>When set, thrown by the next load (to see how the host answers an adapter failure).</summary>
    public Exception? FailNextLoad { get; set; }

    /// <summary>When set, thrown by the next read of pending commits (a sweep that fails).</summary>
    public Exception? FailNextReadPending { get; set; }

    public int CommitCount
    {
        get
        {
            lock (_gate)
            {
                return _streams.Values.Sum(c => c.Count);
            }
        }
    }

    public IReadOnlyList<Commit> Commits(string streamId)
    {
        lock (_gate)
        {
            return _streams.TryGetValue(streamId, out var commits) ? [.. commits] : [];
        }
    }

    public ValueTask<LoadedStream<TState>> LoadAsync<TState>(string streamId, CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState>
    {
        if (FailNextLoad is { } failure)
        {
            FailNextLoad = null;
            throw failure;
        }

        lock (_gate)
        {
            return ValueTask.FromResult(_streams.TryGetValue(streamId, out var commits) && commits.Count > 0
                ? new LoadedStream<TState>((TState)commits[^1].Snapshot, commits[^1].Version)
                : new LoadedStream<TState>(TState.Initial, 0));
        }
    }

    public ValueTask<bool> TryAppendAsync(Commit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        commit.ThrowIfNotContiguous();
        lock (_gate)
        {
            var commits = _streams.GetValueOrDefault(commit.StreamId);
            var version = commits is [.., var last] ? last.Version : 0;
            if (version != commit.ExpectedVersion)
            {
                return ValueTask.FromResult(false);
            }

            // A stream is listed from its first stored commit on, never by a refused append.
            if (commits is null)
            {
                _streams[commit.StreamId] = commits = [];
            }

            commits.Add(commit);
            return ValueTask.FromResult(true);
        }
    }

    public async IAsyncEnumerable<StoredEvent> ReadStreamAsync(
        string streamId, long afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        StoredEvent[] events;
        lock (_gate)
        {
            events = _streams.TryGetValue(streamId, out var commits)
                ? [.. commits.SelectMany(c => c.Events).Where(e => e.Version > afterVersion)]
                : [];
        }

        foreach (var stored in events)
        {
            yield return stored;
        }
    }

    public async IAsyncEnumerable<string> ListStreamsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        string[] ids;
        lock (_gate)
        {
            ids = [.. _streams.Keys];
        }

        foreach (var id in ids)
        {
            yield return id;
        }
    }

    public ValueTask<IReadOnlyList<Commit>> ReadPendingAsync(DateTimeOffset committedBefore, int max, CancellationToken cancellationToken)
    {
        if (FailNextReadPending is { } failure)
        {
            FailNextReadPending = null;
            throw failure;
        }

        lock (_gate)
        {
            IReadOnlyList<Commit> pending = [.. _streams.Values.SelectMany(c => c)
                .Where(c => !_published.Contains((c.StreamId, c.Version)) && c.CommittedAt < committedBefore)
                .OrderBy(c => c.CommittedAt)
                .ThenBy(c => c.StreamId, StringComparer.Ordinal)
                .ThenBy(c => c.Version)
                .Take(max)];
            return ValueTask.FromResult(pending);
        }
    }

    public ValueTask MarkPublishedAsync(string streamId, long version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _published.Add((streamId, version));
        }

        return ValueTask.CompletedTask;
    }

    public bool IsPending(string streamId, long version)
    {
        lock (_gate)
        {
            return !_published.Contains((streamId, version));
        }
    }
}
