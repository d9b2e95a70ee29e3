using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Otps;

/// <summary>Who an OTP is for: the normalised primary, the role and the country it was asked with.</summary>
public sealed record OtpContact(Primary Primary, string Role, string Country)
{
    public string Channel => OtpRoles.ChannelOf(Role);

    /// <summary>Normalises the three fields, or returns the field-keyed errors of the invalid ones.</summary>
    public static Result<OtpContact> Create(string? primary, string? role, string? country)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!OtpRoles.TryNormalize(role, out var normalizedRole))
        {
            errors["role"] = [role is null ? "is required" : "must be 'worker' or 'org'"];
        }

        if (!Countries.TryNormalize(country, out var normalizedCountry))
        {
            errors["country"] = [country is null ? "is required" : "must be one of " + string.Join(", ", Countries.All)];
        }

        Primary? normalizedPrimary = null;
        if (errors.Count == 0 && !Primary.TryCreate(primary, normalizedRole, normalizedCountry, out normalizedPrimary, out var primaryError))
        {
            errors["primary"] = [primaryError!];
        }
        else if (errors.Count > 0 && string.IsNullOrWhiteSpace(primary))
        {
            errors["primary"] = [primary is null ? "is required" : "must not be empty"];
        }

        return errors.Count > 0
            ? new ValidationError(errors)
            : new OtpContact(normalizedPrimary!, normalizedRole, normalizedCountry);
    }
}
