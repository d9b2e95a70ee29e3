using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Domain.Orgs;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Orgs.Projections;

/// <summary>Projects org streams into <see cref="OrgReadModel"/>.</summary>
public sealed class OrgProjection(
    IReadModelStore<OrgReadModel> models, IEventStore store, ILogger<OrgProjection> logger, IMetrics metrics, TimeProvider clock)
    : VersionedProjection<OrgReadModel>(models, store, logger, metrics, clock)
{
    protected override string Category => OrgState.Category;

    protected override OrgReadModel? Apply(OrgReadModel? current, StoredEvent @event) => @event.Data switch
    {
        OrgCreated e => new OrgReadModel(e.OrgId, e.Name, e.Location, e.Description, @event.Version, @event.OccurredAt),
        OrgUpdated e => new OrgReadModel(e.OrgId, e.Name, e.Location, e.Description, @event.Version, @event.OccurredAt),
        OrgClosed when current is not null => current with { Version = @event.Version, UpdatedAt = @event.OccurredAt, Closed = true },
        _ => current is null ? null : current with { Version = @event.Version },
    };
}
