using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Lambda.Events;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Messaging;

/// <summary>
/// Runs an SQS batch through the projections and event handlers, in order. A record that fails
/// (not an event, an <c>eventType</c> attribute that does not name the body's type, or a handler
/// threw) is reported in <c>batchItemFailures</c>, and so is every later record of its message group,
/// unprocessed, so that a group never overtakes itself.
/// </summary>
public sealed class SqsConsumer(IMediator mediator, ILogger<SqsConsumer> logger, IMetrics metrics)
{
    public async ValueTask<SqsBatchResponse> HandleAsync(SqsEvent batch, CancellationToken cancellationToken)
    {
        var records = batch.Records ?? [];
        // An empty or missing id cannot be reported back: AWS would then fail the whole batch anyway.
        if (records.Any(r => string.IsNullOrEmpty(r.MessageId)))
        {
            throw new InvalidEventException("An SQS record has no messageId.");
        }

        var failures = new List<SqsBatchItemFailure>();
        var blockedGroups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var group = record.Attributes?.MessageGroupId;
            if (cancellationToken.IsCancellationRequested || (group is not null && blockedGroups.Contains(group)))
            {
                failures.Add(new SqsBatchItemFailure(record.MessageId!));
                continue;
            }

            if (!await TryProcessAsync(record, cancellationToken))
            {
                failures.Add(new SqsBatchItemFailure(record.MessageId!));
                if (group is not null)
                {
                    blockedGroups.Add(group);
                }
            }
        }

        metrics.Count(MetricNames.BatchItemFailures, failures.Count);
        if (failures.Count > 0)
        {
            logger.LogWarning("{Failed} of {Total} messages of the batch go back to the queue", failures.Count, records.Count);
        }

        return new SqsBatchResponse(failures);
    }

    private async ValueTask<bool> TryProcessAsync(SqsMessage record, CancellationToken cancellationToken)
    {
        Application.Common.EventSourcing.StoredEvent stored;
        // A poison message fails on every delivery until the queue dead-letters it: each attempt is an error.
        try
        {
            stored = EventMessage.Decode(record);
        }
        catch (EventTypeMismatchException ex)
        {
            logger.LogError("Message {MessageId} (receive count {ReceiveCount}) is refused: {Reason}",
                record.MessageId, record.Attributes?.ApproximateReceiveCount, ex.Message);
            return false;
        }
        catch (Exception ex)
        {
            logger.LogError("Message {MessageId} (receive count {ReceiveCount}) holds no event: {Reason}",
                record.MessageId, record.Attributes?.ApproximateReceiveCount, ex.Message);
            return false;
        }

        using (RequestContext.Begin(stored.Metadata.CorrelationId, stored.EventId.ToString()))
        {
            try
            {
                await mediator.Publish(new EventReceived(stored), cancellationToken);
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Message {MessageId} ran out of time; it goes back to the queue", record.MessageId);
                return false;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Handling {StreamId}@{Version} ({EventId}, message {MessageId}) failed",
                    stored.StreamId, stored.Version, stored.EventId, record.MessageId);
                return false;
            }
        }
    }
}
