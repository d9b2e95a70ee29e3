using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Otps;

// The code itself is never part of an event: it is derived from the OTP id under a server key.

/// <summary>Supersedes any earlier OTP of the same primary.</summary>
public sealed record OtpIssued(
    string OtpId,
    string SubjectId,
    string Primary,
    string Role,
    string Country,
    string Channel,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt) : IDomainEvent<OtpIssued>
{
    public static string WireName => "OtpIssued.v1";
}

/// <summary><see cref="FailedAttempts"/> counts wrong codes so far.</summary>
public sealed record OtpCodeRejected(string OtpId, int FailedAttempts, DateTimeOffset RejectedAt) : IDomainEvent<OtpCodeRejected>
{
    public static string WireName => "OtpCodeRejected.v1";
}

/// <summary>The OTP is consumed; a token was issued for the subject.</summary>
public sealed record OtpVerified(string OtpId, string SubjectId, DateTimeOffset VerifiedAt) : IDomainEvent<OtpVerified>
{
    public static string WireName => "OtpVerified.v1";
}
