namespace CleanCqrs.Domain.Otps;

public static class OtpChannels
{
    public const string Sms = "sms";
    public const string Email = "email";
}
