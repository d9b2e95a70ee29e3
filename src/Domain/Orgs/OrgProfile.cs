using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Orgs;

/// <summary>An org's name: trimmed, 1–120 code points, no control characters.</summary>
public sealed record OrgName
{
    public const int MaxLength = 120;

    private OrgName(string value) => Value = value;

    public string Value { get; }

    public static bool TryCreate(string? raw, out OrgName name, out string? error)
    {
        error = Text.Check(raw, out var value, required: true, MaxLength, allowLineBreaksAndTabs: false);
        name = error is null ? new OrgName(value) : null!;
        return error is null;
    }
}

/// <summary>An org's location: trimmed, 1–150 code points, no control characters.</summary>
public sealed record OrgLocation
{
    public const int MaxLength = 150;

    private OrgLocation(string value) => Value = value;

    public string Value { get; }

    public static bool TryCreate(string? raw, out OrgLocation location, out string? error)
    {
        error = Text.Check(raw, out var value, required: true, MaxLength, allowLineBreaksAndTabs: false);
        location = error is null ? new OrgLocation(value) : null!;
        return error is null;
    }
}

/// <summary>
/// An org's description: trimmed, 0–1200 code points; line breaks and tabs allowed, other control
/// characters not. Missing, empty or whitespace-only is "no description" (<see cref="Value"/> null).
/// </summary>
public sealed record OrgDescription
{
    public const int MaxLength = 1200;

    public static readonly OrgDescription None = new((string?)null);

    private OrgDescription(string? value) => Value = value;

    public string? Value { get; }

    public static bool TryCreate(string? raw, out OrgDescription description, out string? error)
    {
        error = Text.Check(raw, out var value, required: false, MaxLength, allowLineBreaksAndTabs: true);
        description = error is not null || value.Length == 0 ? None : new OrgDescription(value);
        return error is null;
    }
}

/// <summary>The fields of an org that a create or an update sets, each already valid.</summary>
public sealed record OrgProfile(OrgName Name, OrgLocation Location, OrgDescription Description)
{
    /// <summary>Builds a profile or the field-keyed errors of every invalid field.</summary>
    public static Result<OrgProfile> Create(string? name, string? location, string? description)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!OrgName.TryCreate(name, out var orgName, out var nameError))
        {
            errors["name"] = [nameError!];
        }

        if (!OrgLocation.TryCreate(location, out var orgLocation, out var locationError))
        {
            errors["location"] = [locationError!];
        }

        if (!OrgDescription.TryCreate(description, out var orgDescription, out var descriptionError))
        {
            errors["description"] = [descriptionError!];
        }

        return errors.Count > 0
            ? new ValidationError(errors)
            : new OrgProfile(orgName, orgLocation, orgDescription);
    }
}
