using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Orgs;

/// <summary>
/// An org as its events left it. <see cref="Exists"/> is false until it is created and stays true
/// once it is <see cref="Closed"/> (a closed org's id is never free again).
/// </summary>
public sealed record OrgState(bool Exists, string? Name, string? Location, string? Description, bool Closed = false)
    : IAggregateState<OrgState>
{
    public static OrgState Initial { get; } = new(false, null, null, null);

    public static string Category => "org";

    // v2 added Closed.
    public static string SnapshotName => "OrgState.v2";

    public OrgState Apply(IDomainEvent @event) => @event switch
    {
        OrgCreated e => On(e),
        OrgUpdated e => On(e),
        OrgClosed => this with { Closed = true },
        _ => this,
    };

    private OrgState On(OrgCreated e) => new(true, e.Name, e.Location, e.Description);

    private OrgState On(OrgUpdated e) => this with { Name = e.Name, Location = e.Location, Description = e.Description };
}
