namespace CleanCqrs.Application.Orgs.Queries.GetOrg;

public sealed record OrgDto(string Id, string Name, string Location, string? Description, long Version, DateTimeOffset UpdatedAt);
