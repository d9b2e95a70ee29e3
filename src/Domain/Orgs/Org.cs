using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Orgs;

/// <summary>The org aggregate's decisions: pure functions of state and command.</summary>
public static class Org
{
    public static Decision Create(OrgState state, string orgId, OrgProfile profile, DateTimeOffset now) =>
        state.Exists
            ? new ConflictError(state.Closed ? $"Org '{orgId}' was closed; its id cannot be used again." : $"Org '{orgId}' already exists.")
            : Decision.Accept(new OrgCreated(
                orgId, profile.Name.Value, profile.Location.Value, profile.Description.Value, now));

    public static Decision Update(OrgState state, string orgId, OrgProfile profile, DateTimeOffset now) =>
        !state.Exists ? NotFound(orgId)
        : state.Closed ? Closed(orgId)
        : Decision.Accept(new OrgUpdated(
            orgId, profile.Name.Value, profile.Location.Value, profile.Description.Value, now));

    public static Decision Close(OrgState state, string orgId, DateTimeOffset now) =>
        !state.Exists ? NotFound(orgId)
        : state.Closed ? Closed(orgId)
        : Decision.Accept(new OrgClosed(orgId, now));

    private static NotFoundError NotFound(string orgId) => new($"Org '{orgId}' does not exist.");

    private static ConflictError Closed(string orgId) => new($"Org '{orgId}' is closed.");
}
