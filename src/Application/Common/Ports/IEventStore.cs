using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.Application.Common.Ports;

/// <summary>
/// The event store: one conditional write per commit, a snapshot in every commit so a load is one
/// read, and every commit pending publication until the outbox marks it published.
/// </summary>
public interface IEventStore
{
    /// <summary>The stream's state after its last commit (from that commit's snapshot), strongly consistent.</summary>
    ValueTask<LoadedStream<TState>> LoadAsync<TState>(string streamId, CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState>;

    /// <summary>
    /// Stores the commit if the stream is still at <see cref="Commit.ExpectedVersion"/>, which must be a
    /// version the caller loaded (a commit boundary); false when
    /// another writer got there first (nothing is stored then).
    /// </summary>
    ValueTask<bool> TryAppendAsync(Commit commit, CancellationToken cancellationToken);

    /// <summary>The stream's events after <paramref name="afterVersion"/>, in order.</summary>
    IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long afterVersion, CancellationToken cancellationToken);

    /// <summary>Every stream id in the store (for rebuilds).</summary>
    IAsyncEnumerable<string> ListStreamsAsync(CancellationToken cancellationToken);

    /// <summary>Commits not yet marked published that were committed before <paramref name="committedBefore"/>, oldest first.</summary>
    ValueTask<IReadOnlyList<Commit>> ReadPendingAsync(DateTimeOffset committedBefore, int max, CancellationToken cancellationToken);

    ValueTask MarkPublishedAsync(string streamId, long version, CancellationToken cancellationToken);
}

public static class EventStoreExtensions
{
    /// <summary>
    /// The state of the stream at <paramref name="version"/> folded from its events: what a store
    /// answers when the latest snapshot is of a shape this build no longer reads.
    /// </summary>
    public static async ValueTask<LoadedStream<TState>> FoldAsync<TState>(
        this IEventStore store, string streamId, long version, CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState>
    {
        var state = TState.Initial;
        var folded = 0L;
        await foreach (var stored in store.ReadStreamAsync(streamId, 0, cancellationToken))
        {
            if (stored.Version > version)
            {
                break;
            }

            state = state.Apply(stored.Data);
            folded = stored.Version;
        }

        return new LoadedStream<TState>(state, folded);
    }
}
