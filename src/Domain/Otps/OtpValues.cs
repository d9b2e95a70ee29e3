using System.Collections.Frozen;
using System.Text;
using CleanCqrs.Domain.Common;
using PhoneNumbers;

namespace CleanCqrs.Domain.Otps;

/// <summary>Who asks for an OTP: a worker (phone, SMS) or an org (e-mail).</summary>
public static class OtpRoles
{
    public const string Worker = "worker";
    public const string Org = "org";

    public static bool TryNormalize(string? raw, out string role)
    {
        role = raw?.Trim().ToLowerInvariant() switch
        {
            Worker => Worker,
            Org => Org,
            _ => string.Empty,
        };
        return role.Length > 0;
    }

    public static string ChannelOf(string role) => role == Worker ? OtpChannels.Sms : OtpChannels.Email;
}

public static class OtpChannels
{
    public const string Sms = "sms";
    public const string Email = "email";
}

/// <summary>The countries the service operates in (ISO 3166-1 alpha-2).</summary>
public static class Countries
{
    public static readonly IReadOnlyList<string> All =
        ["ID", "PH", "VN", "SG", "MY", "TH", "KH", "LA", "MM", "BN", "JP", "TW", "KR", "HK"];

    private static readonly FrozenSet<string> Supported = All.ToFrozenSet(StringComparer.Ordinal);

    public static bool TryNormalize(string? raw, out string country)
    {
        country = raw?.Trim().ToUpperInvariant() ?? string.Empty;
        return Supported.Contains(country);
    }
}

/// <summary>
/// The normalised primary contact that an OTP stream belongs to: an E.164 phone number for workers,
/// an e-mail address with a lower-cased domain for orgs.
/// </summary>
public sealed record Primary
{
    public const int MaxEmailLength = 254;

    private Primary(string value) => Value = value;

    /// <summary>The normalised primary; its subject id is keyed by the server (decision 0020), not derived here.</summary>
    public string Value { get; }

    /// <param name="role">An already normalised role.</param>
    /// <param name="country">An already normalised country: the default region for phone numbers.</param>
    public static bool TryCreate(string? raw, string role, string country, out Primary primary, out string? error)
    {
        primary = null!;
        var value = Text.Normalize(raw);
        if (value.Length == 0)
        {
            error = raw is null ? "is required" : "must not be empty";
            return false;
        }

        var normalized = role == OtpRoles.Worker ? NormalizePhone(value, country) : NormalizeEmail(value);
        if (normalized is null)
        {
            error = role == OtpRoles.Worker
                ? $"must be a valid phone number for country {country}"
                : HasFormatCharacter(value)
                    ? "must not contain invisible or formatting characters (Unicode category Cf)"
                    : "must be a valid e-mail address";
            return false;
        }

        error = null;
        primary = new Primary(normalized);
        return true;
    }

    private static string? NormalizePhone(string value, string country)
    {
        if (value.Length > 64)
        {
            return null;
        }

        try
        {
            var util = PhoneNumberUtil.GetInstance();
            var number = util.Parse(value, country);
            return util.IsValidNumber(number) ? util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static string? NormalizeEmail(string value)
    {
        var at = value.LastIndexOf('@');
        if (value.Length > MaxEmailLength || at <= 0 || at > 64 || at == value.Length - 1)
        {
            return null;
        }

        var local = value[..at];
        var domain = value[(at + 1)..].ToLowerInvariant();
        return IsValidLocalPart(local) && IsValidDomain(domain) ? $"{local}@{domain}" : null;
    }

    // Invisible characters (U+200B, U+00AD, U+FEFF, ...) would make one mailbox look like many primaries.
    private static bool HasFormatCharacter(string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == System.Globalization.UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsValidLocalPart(string local)
    {
        if (HasFormatCharacter(local))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '@' or '"' or '(' or ')' or ',' or ':' or ';' or '<' or '>' or '[' or ']' or '\\')
            {
                return false;
            }
        }

        return !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..", StringComparison.Ordinal);
    }

    private static bool IsValidDomain(string domain)
    {
        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsLetterOrDigit(c) || c == '-'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}

/// <summary>An OTP's id: 128 random bits as 32 lower-case hex digits.</summary>
public static class OtpIds
{
    public const int Length = 32;

    public static bool TryNormalize(string? raw, out string otpId)
    {
        otpId = string.Empty;
        if (raw is null || raw.Length != Length)
        {
            return false;
        }

        foreach (var c in raw)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        otpId = raw.ToLowerInvariant();
        return true;
    }

    public static string FromBytes(ReadOnlySpan<byte> random128Bits) =>
        random128Bits.Length == 16
            ? Convert.ToHexStringLower(random128Bits)
            : throw new ArgumentException("An OTP id is 16 bytes.", nameof(random128Bits));
}

/// <summary>The shape of a code a user types: exactly six ASCII digits.</summary>
public static class OtpCodes
{
    public const int Length = 6;

    public static bool IsWellFormed(string? code) => code is { Length: Length } && code.All(char.IsAsciiDigit);
}

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
