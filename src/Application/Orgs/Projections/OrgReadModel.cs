using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Application.Orgs.Projections;

/// <summary>The org as clients read it; <see cref="UpdatedAt"/> is the time of the last event applied.</summary>
public sealed record OrgReadModel(
    string Id, string Name, string Location, string? Description, long Version, DateTimeOffset UpdatedAt) : IReadModel
{
    public static string Collection => "orgs";
}
