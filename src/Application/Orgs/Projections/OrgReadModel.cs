using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Application.Orgs.Projections;

/// <summary>
/// The org as clients read it; <see cref="UpdatedAt"/> is the time of the last event applied.
/// A <see cref="Closed"/> org keeps its last profile but is gone for clients.
/// </summary>
public sealed record OrgReadModel(
    string Id, string Name, string Location, string? Description, long Version, DateTimeOffset UpdatedAt, bool Closed = false) : IReadModel
{
    public static string Collection => "orgs";
}
