namespace CleanCqrs.Application.Otps;

public sealed class OtpOptions
{
    /// <summary>How long an OTP is valid (<c>OTP_TTL</c>).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);
}
