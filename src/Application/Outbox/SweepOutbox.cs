using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using Mediator;

namespace CleanCqrs.Application.Outbox;

/// <summary>
/// Publishes commits left pending (a failed publish, a process that died between append and
/// publish). Only commits older than <see cref="MinAge"/> are taken, so the request that stored a
/// commit normally publishes it itself.
/// </summary>
public sealed record SweepOutbox(TimeSpan MinAge, int MaxCommits = 1000) : ICommand<SweepResult>, IRoutineRequest;

public sealed record SweepResult(int Published, int Failed);

public sealed class SweepOutboxHandler(IEventStore store, OutboxRelay relay, TimeProvider clock, IMetrics metrics)
    : ICommandHandler<SweepOutbox, SweepResult>
{
    public async ValueTask<SweepResult> Handle(SweepOutbox command, CancellationToken cancellationToken)
    {
        var pending = await store.ReadPendingAsync(clock.GetUtcNow() - command.MinAge, command.MaxCommits, cancellationToken);
        var published = 0;
        var failed = 0;
        // A stream whose earlier commit failed is skipped for the rest of this sweep, so a group is never
        // published out of order by the sweeper.
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        // Streams in the order their oldest pending commit was stored; within a stream strictly by version
        // (clocks of different instances may disagree, versions never do).
        var ordered = pending
            .GroupBy(c => c.StreamId, StringComparer.Ordinal)
            .OrderBy(g => g.Min(c => c.CommittedAt))
            .SelectMany(g => g.OrderBy(c => c.Version));
        foreach (var commit in ordered)
        {
            if (blocked.Contains(commit.StreamId) || !await relay.TryRelayAsync(commit, cancellationToken))
            {
                blocked.Add(commit.StreamId);
                failed++;
                continue;
            }

            published++;
        }

        // Recorded when zero too: a sweeper that stops running shows as missing data, not as a quiet outbox.
        metrics.Count(MetricNames.CommitsSwept, published);
        return new SweepResult(published, failed);
    }
}
