using System.Text;
using CleanCqrs.Domain.Common;
using PhoneNumbers;

namespace CleanCqrs.Domain.Otps;

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
