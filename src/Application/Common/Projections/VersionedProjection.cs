using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Common.Projections;

/// <summary>A read model that can be rebuilt from the event store.</summary>
public interface IProjection
{
    string Name { get; }

    /// <summary>Whether this projection reads the stream.</summary>
    bool Handles(string streamId);

    ValueTask ResetAsync(CancellationToken cancellationToken);

    /// <summary>Projects the whole stream from the store into a fresh model.</summary>
    ValueTask RebuildStreamAsync(string streamId, CancellationToken cancellationToken);
}

/// <summary>
/// One read model per stream, versioned by the last event applied. Idempotent and ordered: an event
/// at or below the model's version is skipped; one that skips ahead makes the model catch up from
/// the event store first. Writes are conditional on the version read, so two consumers cannot apply
/// the same event twice.
/// </summary>
public abstract class VersionedProjection<TModel>(
    IReadModelStore<TModel> models, IEventStore store, ILogger logger, IMetrics metrics, TimeProvider clock)
    : INotificationHandler<EventReceived>, IProjection
    where TModel : class, IReadModel
{
    /// <summary>The read model's collection names the projection too.</summary>
    public string Name => TModel.Collection;

    /// <summary>The stream category this projection reads (<c>org</c> reads <c>org-*</c>).</summary>
    protected abstract string Category { get; }

    public bool Handles(string streamId) =>
        streamId.Length > Category.Length && streamId[Category.Length] == '-' && streamId.StartsWith(Category, StringComparison.Ordinal);

    /// <summary>The model after <paramref name="event"/>; <paramref name="current"/> is null before the first event.</summary>
    protected abstract TModel? Apply(TModel? current, StoredEvent @event);

    /// <summary>The read model id of a stream of this projection.</summary>
    protected string ModelId(string streamId) => streamId[(Category.Length + 1)..];

    public async ValueTask Handle(EventReceived notification, CancellationToken cancellationToken)
    {
        if (Handles(notification.Event.StreamId))
        {
            await ProjectAsync(notification.Event, cancellationToken);
        }
    }

    public async ValueTask ProjectAsync(StoredEvent @event, CancellationToken cancellationToken)
    {
        var id = ModelId(@event.StreamId);
        while (true)
        {
            var current = await models.GetAsync(id, cancellationToken);
            var version = current?.Version ?? 0;
            if (@event.Version <= version)
            {
                return;
            }

            var next = @event.Version == version + 1
                ? Apply(current, @event)
                : await CatchUpAsync(current, @event.StreamId, version, @event.Version, cancellationToken);
            if (next is null)
            {
                return;
            }

            if (await models.TryPutAsync(next, version, cancellationToken))
            {
                metrics.Duration(MetricNames.ProjectionLag, clock.GetUtcNow() - @event.OccurredAt);
                return;
            }

            // Another consumer moved the model meanwhile: read it again and decide again.
        }
    }

    public ValueTask ResetAsync(CancellationToken cancellationToken) => models.ClearAsync(cancellationToken);

    public async ValueTask RebuildStreamAsync(string streamId, CancellationToken cancellationToken)
    {
        var model = await CatchUpAsync(null, streamId, 0, long.MaxValue, cancellationToken);
        if (model is not null)
        {
            await models.TryPutAsync(model, 0, cancellationToken);
        }
    }

    private async ValueTask<TModel?> CatchUpAsync(
        TModel? current, string streamId, long fromVersion, long toVersion, CancellationToken cancellationToken)
    {
        if (toVersion != long.MaxValue)
        {
            logger.LogInformation("{Projection} catches up {StreamId} from {From} to {To}", Name, streamId, fromVersion, toVersion);
        }

        await foreach (var stored in store.ReadStreamAsync(streamId, fromVersion, cancellationToken))
        {
            if (stored.Version > toVersion)
            {
                break;
            }

            current = Apply(current, stored);
        }

        return current;
    }
}
