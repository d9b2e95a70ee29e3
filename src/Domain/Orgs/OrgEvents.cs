using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Orgs;

public sealed record OrgCreated(string OrgId, string Name, string Location, string? Description, DateTimeOffset CreatedAt)
    : IDomainEvent<OrgCreated>
{
    public static string WireName => "OrgCreated.v1";
}

/// <summary>A full replace: a null description clears it.</summary>
public sealed record OrgUpdated(string OrgId, string Name, string Location, string? Description, DateTimeOffset UpdatedAt)
    : IDomainEvent<OrgUpdated>
{
    public static string WireName => "OrgUpdated.v1";
}
