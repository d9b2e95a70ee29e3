namespace CleanCqrs.Domain.Common;

/// <summary>
/// A fact that happened to one aggregate. Events are past-tense records of primitives; each declares
/// its stable wire name through <see cref="IDomainEvent{TSelf}"/>.
/// </summary>
public interface IDomainEvent;

/// <summary>
/// An event type and its wire name with a version suffix (<c>OrgCreated.v1</c>), declared once here;
/// every serializer and store reads it from the infrastructure's catalogue. Never rename one: add a
/// new version and an upcaster.
/// </summary>
public interface IDomainEvent<TSelf> : IDomainEvent where TSelf : IDomainEvent<TSelf>
{
    static abstract string WireName { get; }
}

/// <summary>
/// Aggregate state: immutable, rebuilt by folding events, one small <c>On</c> function per event.
/// </summary>
public interface IAggregateState<TSelf> where TSelf : IAggregateState<TSelf>
{
    /// <summary>The state of a stream with no events (version 0).</summary>
    static abstract TSelf Initial { get; }

    /// <summary>The stream's category; a stream id is <c>{category}-{id}</c>.</summary>
    static abstract string Category { get; }

    /// <summary>
    /// The versioned name of this state's snapshot shape (<c>OrgState.v1</c>). Change it whenever the
    /// shape changes: a store that meets an older name folds the events instead of reading the snapshot.
    /// </summary>
    static abstract string SnapshotName { get; }

    TSelf Apply(IDomainEvent @event);
}

public static class AggregateState
{
    public static TState Fold<TState>(this TState state, IEnumerable<IDomainEvent> events)
        where TState : IAggregateState<TState>
    {
        foreach (var @event in events)
        {
            state = state.Apply(@event);
        }

        return state;
    }

    public static string StreamId<TState>(string id) where TState : IAggregateState<TState> =>
        $"{TState.Category}-{id}";
}

/// <summary>
/// The outcome of a decide step: the events to store and, when the command is refused, the error to
/// answer. A refusal can still record events (a wrong OTP code counts towards the lock).
/// </summary>
public readonly record struct Decision(IReadOnlyList<IDomainEvent> Events, Error? Error)
{
    public bool IsAccepted => Error is null;

    public static Decision Accept(params IDomainEvent[] events) => new(events, null);

    public static Decision Reject(Error error) => new([], error);

    public static Decision RejectAfter(Error error, params IDomainEvent[] events) => new(events, error);

    public static implicit operator Decision(Error error) => Reject(error);
}
