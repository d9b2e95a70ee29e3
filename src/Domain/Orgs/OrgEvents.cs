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

/// <summary>The org is closed for good: no more updates, and reads answer that it is gone.</summary>
public sealed record OrgClosed(string OrgId, DateTimeOffset ClosedAt) : IDomainEvent<OrgClosed>
{
    public static string WireName => "OrgClosed.v1";
}
