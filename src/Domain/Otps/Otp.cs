using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Otps;

/// <summary>The OTP aggregate's decisions: pure functions of state, command, time and randomness.</summary>
public static class Otp
{
    public const int MaxFailedAttempts = 5;
    public const int MaxRequestsPerHour = 5;
    public static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RateWindow = TimeSpan.FromHours(1);

    /// <summary>
    /// Issues a new OTP, superseding any earlier one, unless a rate limit refuses it: at most one
    /// accepted request per 30 s and five per rolling hour.
    /// </summary>
    public static Decision Request(
        OtpState state, Primary primary, string role, string country, string otpId, TimeSpan ttl, DateTimeOffset now)
    {
        var wait = RetryAfter(state.RecentRequests, now);
        if (wait > TimeSpan.Zero)
        {
            return new RateLimitedError(wait, "Too many OTP requests for this contact; try again later.");
        }

        return Decision.Accept(new OtpIssued(
            otpId, primary.SubjectId, primary.Value, role, country, OtpRoles.ChannelOf(role), now, now + ttl));
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
        if (acceptedRequests.Count > 0)
        {
            wait = acceptedRequests[^1] + Cooldown - now;
        }

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
