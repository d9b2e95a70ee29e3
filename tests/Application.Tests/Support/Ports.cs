using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using NSubstitute;

namespace CleanCqrs.Application.Tests.Support;

/// <summary>Arranging the event store substitute in domain terms.</summary>
internal static class EventStoreSubstitute
{
    /// <summary>The stream loads as the state folded over <paramref name="history"/>, at its length as version.</summary>
    public static void HasStream<TState>(this IEventStore store, string streamId, params IDomainEvent[] history)
        where TState : class, IAggregateState<TState> =>
        store.LoadAsync<TState>(streamId, Arg.Any<CancellationToken>())
            .Returns(Loaded<TState>(history));

    public static LoadedStream<TState> Loaded<TState>(params IDomainEvent[] history)
        where TState : class, IAggregateState<TState> =>
        new(TState.Initial.Fold(history), history.Length);

    /// <summary>Every commit offered to the store; the appends succeed or lose their race as <paramref name="outcomes"/> say, then succeed.</summary>
    public static List<Commit> RecordAppends(this IEventStore store, params bool[] outcomes)
    {
        var commits = new List<Commit>();
        var answers = new Queue<bool>(outcomes);
        store.TryAppendAsync(Arg.Do<Commit>(commits.Add), Arg.Any<CancellationToken>())
            .Returns(_ => answers.Count == 0 || answers.Dequeue());
        return commits;
    }

    public static StoredEvent Stored(string streamId, long version, IDomainEvent data, DateTimeOffset occurredAt) =>
        new(Guid.CreateVersion7(occurredAt), streamId, version, data, occurredAt, EventMetadata.Empty);
}
