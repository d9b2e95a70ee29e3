using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>
/// The real publisher behind a seeded coin: a failing call either publishes nothing, or publishes and
/// then reports failure (the acknowledgement was lost), so the outbox sees both kinds of doubt.
/// </summary>
public sealed class FlakyCommitPublisher(ICommitPublisher inner, int seed, double failureRate) : ICommitPublisher
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private int _calls;
    private int _failedBefore;
    private int _failedAfter;

    public bool Enabled { get; set; } = true;

    public int Calls => Volatile.Read(ref _calls);

    public int FailedBefore => Volatile.Read(ref _failedBefore);

    public int FailedAfter => Volatile.Read(ref _failedAfter);

    public async ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        double roll;
        lock (_gate)
        {
            roll = _random.NextDouble();
        }

        if (Enabled && roll < failureRate / 2)
        {
            Interlocked.Increment(ref _failedBefore);
            throw new InvalidOperationException("The broker refused the publish (injected).");
        }

        await inner.PublishAsync(commit, cancellationToken);
        if (Enabled && roll < failureRate)
        {
            Interlocked.Increment(ref _failedAfter);
            throw new TimeoutException("The broker's acknowledgement was lost (injected).");
        }
    }
}
