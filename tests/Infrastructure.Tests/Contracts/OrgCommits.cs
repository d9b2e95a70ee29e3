using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;

namespace CleanCqrs.Infrastructure.Tests.Contracts;

/// <summary>Commits of org streams, built the way the command runner builds them.</summary>
public static class OrgCommits
{
    /// <summary>Sub-millisecond ticks on purpose: stores must keep times exactly.</summary>
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.Zero).AddTicks(2345);

    public static string NewStreamId() => AggregateState.StreamId<OrgState>(Guid.NewGuid().ToString("N"));

    public static string OrgId(string streamId) => streamId["org-".Length..];

    public static OrgCreated Created(string streamId, string name, DateTimeOffset? at = null) =>
        new(OrgId(streamId), name, "Jakarta", "A description", at ?? T0);

    public static OrgUpdated Updated(string streamId, string name, DateTimeOffset? at = null) =>
        new(OrgId(streamId), name, "Manila", null, at ?? T0);

    public static Commit Commit(
        string streamId,
        LoadedStream<OrgState> before,
        DateTimeOffset committedAt,
        params IDomainEvent[] events) =>
        Commit(streamId, before, committedAt, before.State.Fold(events), events);

    public static Commit Commit(
        string streamId,
        LoadedStream<OrgState> before,
        DateTimeOffset committedAt,
        OrgState snapshot,
        params IDomainEvent[] events)
    {
        var metadata = new EventMetadata($"corr-{before.Version}", $"cause-{before.Version}");
        var stored = events
            .Select((e, i) => new StoredEvent(Guid.CreateVersion7(committedAt), streamId, before.Version + i + 1, e, committedAt, metadata))
            .ToArray();
        return new Commit(streamId, before.Version, stored, snapshot, committedAt);
    }

    public static string? NameIn(IDomainEvent @event) => @event switch
    {
        OrgCreated created => created.Name,
        OrgUpdated updated => updated.Name,
        _ => null,
    };

    public static LoadedStream<OrgState> Empty => new(OrgState.Initial, 0);
}
