using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Application.Otps.Limits;

/// <summary>The abuse limits of SPEC 5.3 that the operator sets; the per-primary ones are fixed by the SPEC.</summary>
public sealed class OtpLimitOptions
{
    /// <summary>Accepted <c>POST /otp</c> per source address per rolling hour (<c>OTP_ADDRESS_LIMIT_PER_HOUR</c>).</summary>
    public int AddressLimitPerHour { get; init; } = 60;

    /// <summary>SMS accepted per rolling hour for the whole deployment (<c>SMS_BUDGET_PER_HOUR</c>).</summary>
    public int SmsBudgetPerHour { get; init; } = 500;

    /// <summary>E-mails accepted per rolling hour for the whole deployment (<c>EMAIL_BUDGET_PER_HOUR</c>).</summary>
    public int EmailBudgetPerHour { get; init; } = 2000;

    /// <summary>Regions an SMS may go to (<c>OTP_COUNTRIES</c>, default the 14 countries of SPEC section 1).</summary>
    public IReadOnlySet<string> SmsCountries { get; init; } = new HashSet<string>(Countries.All, StringComparer.Ordinal);

    /// <summary>Per primary and source address: one per 30 s ...</summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30);

    /// <summary>... and five per rolling hour.</summary>
    public const int PerPrimaryAndAddressPerHour = 5;

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public int BudgetOf(string channel) => channel == OtpChannels.Sms ? SmsBudgetPerHour : EmailBudgetPerHour;
}
