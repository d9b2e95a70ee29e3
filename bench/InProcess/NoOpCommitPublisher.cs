using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Bench.InProcess;

/// <summary>
/// A broker that accepts every commit and keeps nothing, so that a measurement of the request path
/// or of the store is not a measurement of a broker as well (the outbox still marks each commit published).
/// </summary>
public sealed class NoOpCommitPublisher : ICommitPublisher
{
    private long published;

    public long Published => Interlocked.Read(ref published);

    public ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref published);
        return ValueTask.CompletedTask;
    }
}
