namespace CleanCqrs.Domain.Common;

/// <summary>
/// A fact that happened to one aggregate. Events are past-tense records of primitives; each has a
/// stable wire name with a version suffix (see <see cref="EventNames"/>). Never rename one: add a new
/// version and an upcaster.
/// </summary>
public interface IDomainEvent;

/// <summary>
/// Aggregate state: immutable, rebuilt by folding events, one small <c>On</c> function per event.
/// </summary>
public interface IAggregateState<TSelf> where TSelf : IAggregateState<TSelf>
{
    /// <summary>The state of a stream with no events (version 0).</summary>
    static abstract TSelf Initial { get; }

    /// <summary>The stream's category; a stream id is <c>{category}-{id}</c>.</summary>
    static abstract string Category { get; }

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
