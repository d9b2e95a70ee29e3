using System.Runtime.CompilerServices;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>Marks the calls made on behalf of one client request (the ones a store fault is injected into).</summary>
public static class FaultScope
{
    private static readonly AsyncLocal<bool> Current = new();

    public static bool IsActive => Current.Value;

    public static IDisposable Enter()
    {
        Current.Value = true;
        return new Exit();
    }

    private sealed class Exit : IDisposable
    {
        public void Dispose() => Current.Value = false;
    }
}

/// <summary>
/// The real store behind seeded faults, inside <see cref="FaultScope"/> only: a call may time out
/// before it reaches the store, an append or a mark may land and then time out (the answer was lost),
/// and a call may be slow (so the request's deadline fires).
/// </summary>
public sealed class FaultyEventStore(IEventStore inner, int seed, double faultRate) : IEventStore
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private int _timeoutsBefore;
    private int _timeoutsAfter;
    private int _delays;

    public bool Enabled { get; set; } = true;

    public int TimeoutsBefore => Volatile.Read(ref _timeoutsBefore);

    public int TimeoutsAfter => Volatile.Read(ref _timeoutsAfter);

    public int Delays => Volatile.Read(ref _delays);

    public async ValueTask<LoadedStream<TState>> LoadAsync<TState>(string streamId, CancellationToken cancellationToken)
        where TState : class, IAggregateState<TState>
    {
        await BeforeAsync(cancellationToken);
        return await inner.LoadAsync<TState>(streamId, cancellationToken);
    }

    public async ValueTask<bool> TryAppendAsync(Commit commit, CancellationToken cancellationToken)
    {
        var fault = await BeforeAsync(cancellationToken);
        var appended = await inner.TryAppendAsync(commit, cancellationToken);
        After(fault);
        return appended;
    }

    public async IAsyncEnumerable<StoredEvent> ReadStreamAsync(
        string streamId, long afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await BeforeAsync(cancellationToken);
        await foreach (var stored in inner.ReadStreamAsync(streamId, afterVersion, cancellationToken))
        {
            yield return stored;
        }
    }

    public IAsyncEnumerable<string> ListStreamsAsync(CancellationToken cancellationToken) => inner.ListStreamsAsync(cancellationToken);

    public async ValueTask<IReadOnlyList<Commit>> ReadPendingAsync(DateTimeOffset committedBefore, int max, CancellationToken cancellationToken)
    {
        await BeforeAsync(cancellationToken);
        return await inner.ReadPendingAsync(committedBefore, max, cancellationToken);
    }

    public async ValueTask MarkPublishedAsync(string streamId, long version, CancellationToken cancellationToken)
    {
        var fault = await BeforeAsync(cancellationToken);
        await inner.MarkPublishedAsync(streamId, version, cancellationToken);
        After(fault);
    }

    private async ValueTask<Fault> BeforeAsync(CancellationToken cancellationToken)
    {
        if (!Enabled || !FaultScope.IsActive)
        {
            return Fault.None;
        }

        double roll;
        int delayMs;
        lock (_gate)
        {
            roll = _random.NextDouble();
            delayMs = _random.Next(20, 400);
        }

        var fault = roll < faultRate ? Fault.TimeoutBefore
            : roll < 2 * faultRate ? Fault.TimeoutAfter
            : roll < 3 * faultRate ? Fault.Delay
            : Fault.None;
        switch (fault)
        {
            case Fault.TimeoutBefore:
                Interlocked.Increment(ref _timeoutsBefore);
                throw new TimeoutException("The store did not answer in time (injected, before the call).");
            case Fault.Delay:
                Interlocked.Increment(ref _delays);
                await Task.Delay(delayMs, cancellationToken);
                break;
        }

        return fault;
    }

    private void After(Fault fault)
    {
        if (fault == Fault.TimeoutAfter)
        {
            Interlocked.Increment(ref _timeoutsAfter);
            throw new TimeoutException("The store's answer was lost (injected, after the call took effect).");
        }
    }

    private enum Fault
    {
        None,
        TimeoutBefore,
        TimeoutAfter,
        Delay,
    }
}
