using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Serialization;

namespace CleanCqrs.Infrastructure.Messaging;

/// <summary>
/// Publishes a commit to the in-process broker as SNS FIFO would get it: one message per event, in
/// order, the stream as message group, the event id as deduplication id, the wire envelope as body.
/// </summary>
public sealed class InProcCommitPublisher(InProcBroker broker) : ICommitPublisher
{
    /// <summary>The message attribute carrying the event's wire name (<c>OrgCreated.v1</c>).</summary>
    public const string EventTypeAttribute = "eventType";

    public ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken) =>
        broker.PublishAsync(ToMessages(commit), cancellationToken);

    public static IReadOnlyList<BrokerMessage> ToMessages(Commit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return
        [
            .. commit.Events.Select(stored => new BrokerMessage(
                commit.StreamId,
                stored.EventId.ToString("D"),
                EventSerializer.ToEnvelopeJson(stored),
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [EventTypeAttribute] = EventSerializer.TypeName(stored.Data),
                })),
        ];
    }
}
