using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Otps;

/// <summary>The OTP aggregate's decisions: pure functions of state, command, time and randomness.</summary>
public static class Otp
{
    public const int MaxFailedAttempts = 5;

    /// <summary>
    /// The per-primary ceiling across all source addresses (SPEC 5.3). The stricter limits of one per
    /// 30 s and five per hour count per primary and source address together, which the stream cannot
    /// see: the application's OTP request limits hold them (decision 0019).
    /// </summary>
    public const int MaxRequestsPerHour = 20;

    public static readonly TimeSpan RateWindow = TimeSpan.FromHours(1);

    /// <summary>
    /// Issues a new OTP, superseding any earlier one, unless the per-primary ceiling refuses it: at most
    /// twenty accepted requests per rolling hour.
    /// </summary>
    /// <param name="subjectId">The primary's keyed subject id (it cannot be computed here: the key is the server's).</param>
    public static Decision Request(
        OtpState state, Primary primary, string subjectId, string role, string country, string otpId, TimeSpan ttl, DateTimeOffset now)
    {
        var wait = RetryAfter(state.RecentRequests, now);
        if (wait > TimeSpan.Zero)
        {
            return new RateLimitedError(wait, "Too many OTP requests for this contact; try again later.");
        }

        return Decision.Accept(new OtpIssued(
            otpId, subjectId, primary.Value, role, country, OtpRoles.ChannelOf(role), now, now + ttl));
    }

    /// <summary>
    /// Checks a code against the primary's current OTP. Reasons, in order: unknown, used, locked,
    /// expired (at or after <c>ExpiresAt</c>), then the code; a wrong code is recorded and the fifth
    /// one locks the OTP.
    /// </summary>
    /// <param name="codeMatches">Whether the code is the one derived for <paramref name="otpId"/>.</param>
    public static Decision Verify(OtpState state, string otpId, bool codeMatches, DateTimeOffset now)
    {
        if (state.CurrentOtpId is null || state.CurrentOtpId != otpId)
        {
            return Rejected(OtpRejectionReasons.Unknown, "This OTP is not the current one for this contact.");
        }

        if (state.Used)
        {
            return Rejected(OtpRejectionReasons.Used, "This OTP has already been used.");
        }

        if (state.Locked)
        {
            return Rejected(OtpRejectionReasons.Locked, "This OTP is locked after too many wrong codes.");
        }

        if (now >= state.ExpiresAt)
        {
            return Rejected(OtpRejectionReasons.Expired, "This OTP has expired.");
        }

        if (!codeMatches)
        {
            var failed = state.FailedAttempts + 1;
            var remaining = MaxFailedAttempts - failed;
            return Decision.RejectAfter(
                new OtpRejectedError(OtpRejectionReasons.InvalidCode, remaining, "The code is not correct."),
                new OtpCodeRejected(otpId, failed, now));
        }

        return Decision.Accept(new OtpVerified(otpId, state.SubjectId!, now));
    }

    /// <summary>How long until a request would be accepted; zero or less when it would be now.</summary>
    public static TimeSpan RetryAfter(IReadOnlyList<DateTimeOffset> acceptedRequests, DateTimeOffset now)
    {
        var wait = TimeSpan.Zero;
        var inWindow = acceptedRequests.Where(t => now - t < RateWindow).ToArray();
        if (inWindow.Length >= MaxRequestsPerHour)
        {
            var oldestThatMustLeave = inWindow[^MaxRequestsPerHour];
            var windowWait = oldestThatMustLeave + RateWindow - now;
            wait = windowWait > wait ? windowWait : wait;
        }

        return wait;
    }

    private static OtpRejectedError Rejected(string reason, string detail) => new(reason, null, detail);
}
