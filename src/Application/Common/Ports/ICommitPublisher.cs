using CleanCqrs.Application.Common.EventSourcing;

namespace CleanCqrs.Application.Common.Ports;

/// <summary>
/// Sends a commit's events to the broker (SNS FIFO, or the in-process broker), in order, with the
/// stream id as message group and the event id as deduplication id. Throws when it cannot.
/// </summary>
public interface ICommitPublisher
{
    ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken);
}
