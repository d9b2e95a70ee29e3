using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Orgs;

/// <summary>Wire name <c>OrgCreated.v1</c>.</summary>
public sealed record OrgCreated(string OrgId, string Name, string Location, string? Description, DateTimeOffset CreatedAt)
    : IDomainEvent;

/// <summary>Wire name <c>OrgUpdated.v1</c>. A full replace: a null description clears it.</summary>
public sealed record OrgUpdated(string OrgId, string Name, string Location, string? Description, DateTimeOffset UpdatedAt)
    : IDomainEvent;
