using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Serialization;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>
/// Publishes a commit's events to the events FIFO topic, in stream order: the stream is the message
/// group and the event id the deduplication id, so a commit the outbox publishes twice is delivered once.
/// </summary>
public sealed class SnsCommitPublisher(SnsClient client, string topicArn, ILogger<SnsCommitPublisher> logger) : ICommitPublisher
{
    public const string EventTypeAttribute = "eventType";

    public async ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.Events.Count == 0)
        {
            return;
        }

        var entries = commit.Events
            .Select(e => new SnsBatchEntry(e.EventId.ToString("N"), EventSerializer.ToEnvelopeJson(e))
            {
                MessageGroupId = e.StreamId,
                MessageDeduplicationId = e.EventId.ToString("D"),
                Attributes = [new SnsMessageAttribute(EventTypeAttribute, EventSerializer.TypeName(e.Data))],
            })
            .ToList();

        await client.PublishBatchAsync(topicArn, entries, cancellationToken);
        logger.LogDebug(
            "Published {Count} events of {StreamId} up to version {Version}",
            entries.Count,
            commit.StreamId,
            commit.Version);
    }
}
