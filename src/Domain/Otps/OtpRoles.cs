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
