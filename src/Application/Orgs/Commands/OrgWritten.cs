namespace CleanCqrs.Application.Orgs.Commands;

/// <summary>The reply to an org write: poll <c>GET /orgs/{id}?minVersion={Version}</c> to read it.</summary>
public sealed record OrgWritten(string Id, long Version);
