using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Bench.InProcess;

/// <summary>
/// A broker that accepts every commit and keeps nothing, so that a measurement of the request path
/// or of the store is not a measurement of a broker as well (the outbox still marks each commit published).
/// </summary>
public sealed class NoOpCommitPublisher : ICommitPublisher
{
    private long _published;

    public long Published => Interlocked.Read(ref _published);

    public ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _published);
        return ValueTask.CompletedTask;
    }
}
