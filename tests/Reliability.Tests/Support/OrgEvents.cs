using System.Text.Json.Nodes;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>An org profile as a client sends it and as the events and the read model hold it.</summary>
public sealed record OrgProfileText(string Name, string Location, string? Description)
{
    public string ToJson() => new JsonObject
    {
        ["name"] = Name,
        ["location"] = Location,
        ["description"] = Description,
    }.ToJsonString();

    public static OrgProfileText? Of(IDomainEvent data) => data switch
    {
        OrgCreated e => new OrgProfileText(e.Name, e.Location, e.Description),
        OrgUpdated e => new OrgProfileText(e.Name, e.Location, e.Description),
        _ => null,
    };

    public static OrgProfileText Of(JsonNode readModel)
    {
        ArgumentNullException.ThrowIfNull(readModel);
        return new OrgProfileText(
            readModel["name"]!.GetValue<string>(),
            readModel["location"]!.GetValue<string>(),
            readModel["description"]?.GetValue<string>());
    }
}
