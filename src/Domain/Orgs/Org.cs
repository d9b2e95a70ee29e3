using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Orgs;

/// <summary>The org aggregate's decisions: pure functions of state and command.</summary>
public static class Org
{
    public static Decision Create(OrgState state, string orgId, OrgProfile profile, DateTimeOffset now) =>
        state.Exists
            ? new ConflictError($"Org '{orgId}' already exists.")
            : Decision.Accept(new OrgCreated(
                orgId, profile.Name.Value, profile.Location.Value, profile.Description.Value, now));

    public static Decision Update(OrgState state, string orgId, OrgProfile profile, DateTimeOffset now) =>
        !state.Exists
            ? new NotFoundError($"Org '{orgId}' does not exist.")
            : Decision.Accept(new OrgUpdated(
                orgId, profile.Name.Value, profile.Location.Value, profile.Description.Value, now));
}
