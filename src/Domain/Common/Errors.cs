namespace CleanCqrs.Domain.Common;

/// <summary>
/// Why a command or query was refused. The host maps each kind to one HTTP status and a
/// problem+json body; nothing below the host knows about HTTP.
/// </summary>
public abstract record Error(string Detail);

/// <summary>Field-keyed validation messages (camelCase field names).</summary>
public sealed record ValidationError(IReadOnlyDictionary<string, string[]> Errors, string Detail = ValidationError.ManyFields)
    : Error(Detail)
{
    public const string ManyFields = "One or more fields are invalid.";

    /// <summary>The key under <c>errors</c> for a problem with the request body as a whole.</summary>
    public const string BodyField = "body";

    public static ValidationError For(string field, string message) =>
        new(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] },
            field == BodyField ? $"The request body {message}." : $"'{field}' {message}.");
}

public sealed record NotFoundError(string Detail) : Error(Detail);

public sealed record ConflictError(string Detail) : Error(Detail);

/// <summary>Refused by a rate limit; <see cref="RetryAfter"/> is when a retry would be accepted.</summary>
public sealed record RateLimitedError(TimeSpan RetryAfter, string Detail) : Error(Detail);

/// <summary>An OTP verification that failed; <see cref="Reason"/> is one of <see cref="OtpRejectionReasons"/>.</summary>
public sealed record OtpRejectedError(string Reason, int? AttemptsRemaining, string Detail) : Error(Detail);

public static class OtpRejectionReasons
{
    public const string Unknown = "unknown";
    public const string Used = "used";
    public const string Locked = "locked";
    public const string Expired = "expired";
    public const string InvalidCode = "invalid_code";
}
