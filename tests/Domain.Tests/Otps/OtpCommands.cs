using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Domain.Tests.Otps;

/// <summary>OTP commands and events for one worker's phone number, at times relative to <see cref="T0"/>.</summary>
internal static class OtpCommands
{
    public const string OtpA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string OtpB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    public static readonly Primary Phone = PrimaryOf("0812-3456-7890", OtpRoles.Worker, "ID");

    /// <summary>The phone's subject id as the server's key would make it (the domain only carries it).</summary>
    public const string PhoneSubject = "3f1d2c4b-5a69-8e7f-9a0b-1c2d3e4f5a6b";

    public static Primary PrimaryOf(string raw, string role, string country)
    {
        Assert.That(Primary.TryCreate(raw, role, country, out var primary, out var error), Is.True, error);
        return primary;
    }

    public static Func<OtpState, Decision> Request(string otpId, DateTimeOffset at) =>
        state => Otp.Request(state, Phone, PhoneSubject, OtpRoles.Worker, "ID", otpId, Ttl, at);

    public static Func<OtpState, Decision> Verify(string otpId, bool codeMatches, DateTimeOffset at) =>
        state => Otp.Verify(state, otpId, codeMatches, at);

    public static OtpIssued Issued(string otpId, DateTimeOffset at) =>
        new(otpId, PhoneSubject, "+6281234567890", "worker", "ID", "sms", at, at + Ttl);

    public static OtpCodeRejected WrongCode(string otpId, int failedSoFar, DateTimeOffset at) => new(otpId, failedSoFar, at);

    public static OtpVerified Verified(string otpId, DateTimeOffset at) => new(otpId, PhoneSubject, at);

    /// <summary>The first <paramref name="count"/> wrong codes for <paramref name="otpId"/>, a second apart.</summary>
    public static IDomainEvent[] WrongCodes(string otpId, int count) =>
        [.. Enumerable.Range(1, count).Select(n => WrongCode(otpId, n, T0.AddSeconds(n)))];
}
