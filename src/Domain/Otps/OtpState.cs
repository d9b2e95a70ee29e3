using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Otps;

/// <summary>
/// The OTP stream of one primary: its current OTP and the times of the accepted requests of the last
/// hour (at most <see cref="Otp.MaxRequestsPerHour"/>), which is all the rate limits need.
/// </summary>
public sealed record OtpState(
    string? CurrentOtpId,
    string? SubjectId,
    string? Role,
    string? Country,
    DateTimeOffset ExpiresAt,
    int FailedAttempts,
    bool Used,
    IReadOnlyList<DateTimeOffset> RecentRequests) : IAggregateState<OtpState>
{
    public static OtpState Initial { get; } = new(null, null, null, null, default, 0, false, []);

    public static string Category => "otp";

    public static string SnapshotName => "OtpState.v1";

    public bool Locked => FailedAttempts >= Otp.MaxFailedAttempts;

    public OtpState Apply(IDomainEvent @event) => @event switch
    {
        OtpIssued e => On(e),
        OtpCodeRejected e => On(e),
        OtpVerified e => On(e),
        _ => this,
    };

    private OtpState On(OtpIssued e) => new(
        e.OtpId,
        e.SubjectId,
        e.Role,
        e.Country,
        e.ExpiresAt,
        FailedAttempts: 0,
        Used: false,
        [.. RecentRequests.Where(t => e.IssuedAt - t < Otp.RateWindow), e.IssuedAt]);

    private OtpState On(OtpCodeRejected e) => e.OtpId == CurrentOtpId ? this with { FailedAttempts = e.FailedAttempts } : this;

    private OtpState On(OtpVerified e) => e.OtpId == CurrentOtpId ? this with { Used = true } : this;
}
