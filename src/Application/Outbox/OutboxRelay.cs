using System.Diagnostics;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Outbox;

/// <summary>Publishes a stored commit, then marks it published; on failure it stays pending.</summary>
public sealed class OutboxRelay(IEventStore store, ICommitPublisher publisher, ILogger<OutboxRelay> logger, IMetrics metrics)
{
    public async ValueTask<bool> TryRelayAsync(Commit commit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await publisher.PublishAsync(commit, cancellationToken);
            metrics.Duration(MetricNames.PublishLatency, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.Count(MetricNames.PublishFailures);
            logger.LogWarning(ex, "Publishing {StreamId}@{Version} failed; it stays pending for the sweeper",
                commit.StreamId, commit.Version);
            return false;
        }

        try
        {
            await store.MarkPublishedAsync(commit.StreamId, commit.Version, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Published but still marked pending: the sweeper publishes it again and the broker's
            // deduplication and the consumers' version checks absorb the repeat.
            logger.LogWarning(ex, "Marking {StreamId}@{Version} published failed", commit.StreamId, commit.Version);
        }

        return true;
    }
}
