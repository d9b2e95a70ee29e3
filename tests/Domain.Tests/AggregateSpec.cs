using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Tests;

/// <summary>
/// Given events / when command / then events, for the pure decide functions (after Eventuous'
/// AggregateSpec). A spec is a value, not fixture state, so tests stay independent.
/// </summary>
public static class AggregateSpec<TState> where TState : IAggregateState<TState>
{
    /// <summary>The state folded from <see cref="IAggregateState{TSelf}.Initial"/> over <paramref name="history"/>.</summary>
    public static GivenState<TState> Given(params IDomainEvent[] history) => new(TState.Initial.Fold(history));
}

public sealed class GivenState<TState>(TState state) where TState : IAggregateState<TState>
{
    public TState State { get; } = state;

    public Outcome When(Func<TState, Decision> decide) => new(decide(State));
}

public sealed class Outcome(Decision decision)
{
    public Decision Decision { get; } = decision;

    /// <summary>The command was accepted and recorded exactly <paramref name="expected"/>.</summary>
    public void Then(params IDomainEvent[] expected)
    {
        Assert.That(Decision.Error, Is.Null, "the command should have been accepted");
        Assert.That(Decision.Events, Is.EqualTo(expected));
    }

    /// <summary>The command was refused with a <typeparamref name="TError"/> and recorded nothing.</summary>
    public TError ThenRejected<TError>() where TError : Error => ThenRejectedAfter<TError>();

    /// <summary>The command was refused with a <typeparamref name="TError"/> after recording <paramref name="recorded"/>.</summary>
    public TError ThenRejectedAfter<TError>(params IDomainEvent[] recorded) where TError : Error
    {
        Assert.That(Decision.Error, Is.InstanceOf<TError>(), "the command should have been refused");
        Assert.That(Decision.Events, Is.EqualTo(recorded));
        return (TError)Decision.Error!;
    }
}
