using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>Counts the writes that reach the store: appends that landed and commits marked published.</summary>
public sealed class WriteCountingEventStore(IEventStore inner) : IEventStore
{
    private int _appends;
    private int _marks;

    public int Writes => Volatile.Read(ref _appends) + Volatile.Read(ref _marks);

    public ValueTask<LoadedStream<TState>> LoadAsync<TState>(string streamId, CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState> =>
        inner.LoadAsync<TState>(streamId, cancellationToken);

    public async ValueTask<bool> TryAppendAsync(Commit commit, CancellationToken cancellationToken)
    {
        var appended = await inner.TryAppendAsync(commit, cancellationToken);
        if (appended)
        {
            Interlocked.Increment(ref _appends);
        }

        return appended;
    }

    public IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long afterVersion, CancellationToken cancellationToken) =>
        inner.ReadStreamAsync(streamId, afterVersion, cancellationToken);

    public IAsyncEnumerable<string> ListStreamsAsync(CancellationToken cancellationToken) => inner.ListStreamsAsync(cancellationToken);

    public ValueTask<IReadOnlyList<Commit>> ReadPendingAsync(DateTimeOffset committedBefore, int max, CancellationToken cancellationToken) =>
        inner.ReadPendingAsync(committedBefore, max, cancellationToken);

    public async ValueTask MarkPublishedAsync(string streamId, long version, CancellationToken cancellationToken)
    {
        await inner.MarkPublishedAsync(streamId, version, cancellationToken);
        Interlocked.Increment(ref _marks);
    }
}
