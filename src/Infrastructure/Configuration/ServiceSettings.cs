using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Infrastructure.Configuration;

public enum StoreKind
{
    Sqlite,
    DynamoDb,
}

public enum BrokerKind
{
    InProc,
    Sns,
}

public enum SecurityKind
{
    /// <summary>Key files in the data directory, created on first start.</summary>
    Local,

    /// <summary>A KMS asymmetric key signs tokens; a KMS HMAC key derives OTP codes.</summary>
    Kms,
}

public enum DeliveryKind
{
    /// <summary>The dev mailbox, <c>&lt;data-dir&gt;/outbox.jsonl</c> (local mode only).</summary>
    Mailbox,

    /// <summary>SMS through SNS, e-mail through SMTP.</summary>
    Aws,
}

/// <summary>
/// Everything the service is configured with, read once at start from environment variables (and
/// the host's command-line options). A missing or malformed setting fails the start with one
/// message naming it.
/// </summary>
public sealed record ServiceSettings
{
    public const string DataDirectorySetting = "CLEANCQRS_DATA_DIR";
    public const string StoreSetting = "CLEANCQRS_STORE";
    public const string BrokerSetting = "CLEANCQRS_BROKER";
    public const string SecuritySetting = "CLEANCQRS_SECURITY";
    public const string DeliverySetting = "CLEANCQRS_DELIVERY";
    public const string TokenIssuerSetting = "TOKEN_ISSUER";
    public const string TokenLifetimeSetting = "TOKEN_LIFETIME";
    public const string OtpTtlSetting = "OTP_TTL";
    public const string MaxReceiveCountSetting = "MAX_RECEIVE_COUNT";
    public const string OtpAddressLimitSetting = "OTP_ADDRESS_LIMIT_PER_HOUR";
    public const string SmsBudgetSetting = "SMS_BUDGET_PER_HOUR";
    public const string EmailBudgetSetting = "EMAIL_BUDGET_PER_HOUR";
    public const string OtpCountriesSetting = "OTP_COUNTRIES";
    public const string CorsAllowedOriginsSetting = "CORS_ALLOWED_ORIGINS";

    public string DataDirectory { get; init; } = "./.data";

    public StoreKind Store { get; init; } = StoreKind.Sqlite;

    public BrokerKind Broker { get; init; } = BrokerKind.InProc;

    public SecurityKind Security { get; init; } = SecurityKind.Local;

    public DeliveryKind Delivery { get; init; } = DeliveryKind.Mailbox;

    /// <summary><c>iss</c> of issued tokens (<c>TOKEN_ISSUER</c>).</summary>
    public string TokenIssuer { get; init; } = "cleancqrs";

    /// <summary><c>TOKEN_LIFETIME</c>, seconds or a TimeSpan (default 24 h).</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary><c>OTP_TTL</c>, seconds or a TimeSpan (default 5 min).</summary>
    public TimeSpan OtpTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the local sweeper looks for pending commits.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries before a message goes to the dead-letter queue (<c>MAX_RECEIVE_COUNT</c>).</summary>
    public int MaxReceiveCount { get; init; } = 5;

    /// <summary>Accepted <c>POST /otp</c> per source address per rolling hour (<c>OTP_ADDRESS_LIMIT_PER_HOUR</c>).</summary>
    public int OtpAddressLimitPerHour { get; init; } = 60;

    /// <summary>SMS per rolling hour for the whole deployment (<c>SMS_BUDGET_PER_HOUR</c>).</summary>
    public int SmsBudgetPerHour { get; init; } = 500;

    /// <summary>E-mails per rolling hour for the whole deployment (<c>EMAIL_BUDGET_PER_HOUR</c>).</summary>
    public int EmailBudgetPerHour { get; init; } = 2000;

    /// <summary>Regions SMS may go to (<c>OTP_COUNTRIES</c>, comma-separated ISO 3166-1 alpha-2; default the 14 of SPEC section 1).</summary>
    public IReadOnlySet<string> OtpCountries { get; init; } = new HashSet<string>(Countries.All, StringComparer.Ordinal);

    /// <summary>
    /// <c>CORS_ALLOWED_ORIGINS</c>: browser origins (<c>scheme://host[:port]</c>, lower-case) allowed to
    /// call the API, or just <c>*</c>; empty (the default) sends no CORS headers at all (SPEC 5.4).
    /// </summary>
    public IReadOnlyList<string> CorsAllowedOrigins { get; init; } = [];

    public static ServiceSettings FromEnvironment(Func<string, string?>? read = null)
    {
        var env = new SettingsReader(read);
        var defaults = new ServiceSettings();
        return new ServiceSettings
        {
            DataDirectory = env.Text(DataDirectorySetting, defaults.DataDirectory),
            Store = env.OneOf(StoreSetting, defaults.Store, ("sqlite", StoreKind.Sqlite), ("dynamodb", StoreKind.DynamoDb)),
            Broker = env.OneOf(BrokerSetting, defaults.Broker, ("inproc", BrokerKind.InProc), ("sns", BrokerKind.Sns)),
            Security = env.OneOf(SecuritySetting, defaults.Security, ("local", SecurityKind.Local), ("kms", SecurityKind.Kms)),
            Delivery = env.OneOf(DeliverySetting, defaults.Delivery, ("mailbox", DeliveryKind.Mailbox), ("aws", DeliveryKind.Aws)),
            TokenIssuer = env.Text(TokenIssuerSetting, defaults.TokenIssuer),
            TokenLifetime = env.Duration(TokenLifetimeSetting, defaults.TokenLifetime),
            OtpTtl = env.Duration(OtpTtlSetting, defaults.OtpTtl),
            MaxReceiveCount = env.WholeNumber(MaxReceiveCountSetting, defaults.MaxReceiveCount),
            OtpAddressLimitPerHour = env.WholeNumber(OtpAddressLimitSetting, defaults.OtpAddressLimitPerHour),
            SmsBudgetPerHour = env.WholeNumber(SmsBudgetSetting, defaults.SmsBudgetPerHour),
            EmailBudgetPerHour = env.WholeNumber(EmailBudgetSetting, defaults.EmailBudgetPerHour),
            OtpCountries = ParseRegions(OtpCountriesSetting, env.Optional(OtpCountriesSetting)) ?? defaults.OtpCountries,
            CorsAllowedOrigins = ParseOrigins(env.Optional(CorsAllowedOriginsSetting)),
        };
    }

    /// <summary><c>*</c> alone, or comma-separated <c>http(s)://host[:port]</c> origins without path, query or user.</summary>
    public static IReadOnlyList<string> ParseOrigins(string? raw)
    {
        var entries = (raw ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 1 && entries[0] == "*")
        {
            return ["*"];
        }

        var origins = new List<string>(entries.Length);
        foreach (var entry in entries)
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.UserInfo.Length > 0 || uri.PathAndQuery != "/" || uri.Fragment.Length > 0)
            {
                throw SettingsException.Invalid(
                    CorsAllowedOriginsSetting,
                    "* or a comma-separated list of origins such as https://app.example.com (scheme, host and optional port only)",
                    raw!);
            }

            origins.Add(uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant());
        }

        return origins.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Comma-separated regions libphonenumber knows (ISO 3166-1 alpha-2), at least one; null when unset.</summary>
    private static HashSet<string>? ParseRegions(string name, string? value)
    {
        if (value is null)
        {
            return null;
        }

        var known = PhoneNumbers.PhoneNumberUtil.GetInstance().GetSupportedRegions();
        var regions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var region = part.ToUpperInvariant();
            regions.Add(known.Contains(region) ? region : throw SettingsException.Invalid(name, "comma-separated two-letter country codes", part));
        }

        return regions.Count > 0 ? regions : throw SettingsException.Invalid(name, "comma-separated two-letter country codes, at least one", value);
    }
}
