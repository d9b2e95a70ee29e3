using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;

namespace CleanCqrs.Domain.Tests.Orgs;

/// <summary>The org commands as the application runs them: build the profile, then decide.</summary>
internal static class OrgCommands
{
    public const string OrgId = "0b9d3f6e-1c2a-5d4e-8f70-123456789abc";

    public static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);

    public static Func<OrgState, Decision> Create(string? name, string? location, string? description = null) =>
        state => Decide(name, location, description, profile => Org.Create(state, OrgId, profile, Now));

    public static Func<OrgState, Decision> Update(string? name, string? location, string? description = null) =>
        state => Decide(name, location, description, profile => Org.Update(state, OrgId, profile, Now));

    public static Func<OrgState, Decision> Close() => state => Org.Close(state, OrgId, Now);

    public static OrgClosed Closed() => new(OrgId, Now.AddHours(-1));

    private static Decision Decide(string? name, string? location, string? description, Func<OrgProfile, Decision> decide)
    {
        var profile = OrgProfile.Create(name, location, description);
        return profile.IsSuccess ? decide(profile.Value) : profile.Error!;
    }

    public static OrgCreated Created(string name = "Acme", string location = "Jakarta", string? description = "Makes things") =>
        new(OrgId, name, location, description, Now.AddDays(-1));
}
