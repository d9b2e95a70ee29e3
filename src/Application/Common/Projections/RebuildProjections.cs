using CleanCqrs.Application.Common.Ports;
using Mediator;

namespace CleanCqrs.Application.Common.Projections;

/// <summary>
/// Replays the event store into fresh read models: every projection is cleared, then each stream it
/// reads is folded from its first event. Event handlers with side effects (OTP delivery) do not run.
/// </summary>
public sealed record RebuildProjections(IProgress<RebuildProgress>? Progress = null) : ICommand<RebuildProgress>;

public sealed record RebuildProgress(long StreamsScanned, long StreamsProjected);

public sealed class RebuildProjectionsHandler(IEventStore store, IEnumerable<IProjection> projections)
    : ICommandHandler<RebuildProjections, RebuildProgress>
{
    public async ValueTask<RebuildProgress> Handle(RebuildProjections command, CancellationToken cancellationToken)
    {
        var all = projections.ToArray();
        foreach (var projection in all)
        {
            await projection.ResetAsync(cancellationToken);
        }

        long scanned = 0;
        long projected = 0;
        await foreach (var streamId in store.ListStreamsAsync(cancellationToken))
        {
            scanned++;
            foreach (var projection in all)
            {
                if (projection.Handles(streamId))
                {
                    await projection.RebuildStreamAsync(streamId, cancellationToken);
                    projected++;
                }
            }

            command.Progress?.Report(new RebuildProgress(scanned, projected));
        }

        return new RebuildProgress(scanned, projected);
    }
}
