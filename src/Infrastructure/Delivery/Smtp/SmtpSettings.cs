using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CleanCqrs.Infrastructure.Configuration;
using MimeKit;

namespace CleanCqrs.Infrastructure.Delivery.Smtp;

public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,

    /// <summary>No encryption; for a local relay or a test server only.</summary>
    None,
}

/// <summary>The SMTP relay OTP e-mails go through (in AWS, the SES SMTP interface).</summary>
public sealed partial record SmtpSettings
{
    public const string HostSetting = "SMTP_HOST";
    public const string PortSetting = "SMTP_PORT";
    public const string SecuritySetting = "SMTP_SECURITY";
    public const string UsernameSetting = "SMTP_USERNAME";
    public const string PasswordSetting = "SMTP_PASSWORD";
    public const string PasswordParameterSetting = "SMTP_PASSWORD_PARAMETER";
    public const string FromSetting = "SMTP_FROM";

    /// <summary><c>SMTP_HOST</c>.</summary>
    public required string Host { get; init; }

    /// <summary><c>SMTP_PORT</c>; defaults to 587, 465 or 25 by <see cref="Security"/>.</summary>
    public required int Port { get; init; }

    /// <summary><c>SMTP_SECURITY</c>: <c>starttls</c> (default), <c>tls</c> or <c>none</c>.</summary>
    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;

    /// <summary><c>SMTP_USERNAME</c>; no authentication when absent.</summary>
    public string? Username { get; init; }

    /// <summary><c>SMTP_PASSWORD</c>: the password itself, for a local relay; in AWS use <see cref="PasswordParameter"/>.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// <c>SMTP_PASSWORD_PARAMETER</c>: the name of the SSM SecureString parameter holding the password,
    /// read once per process (see <see cref="SsmSmtpPassword"/>). With a username, exactly one of this and
    /// <see cref="Password"/> is set.
    /// </summary>
    public string? PasswordParameter { get; init; }

    /// <summary><c>SMTP_FROM</c>: an address, optionally with a display name (<c>CleanCqrs &lt;no-reply@example.com&gt;</c>).</summary>
    public required string From { get; init; }

    /// <summary>How long one SMTP operation may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads the <c>SMTP_*</c> variables; throws <see cref="SettingsException"/> naming the first missing or malformed one.</summary>
    public static SmtpSettings FromEnvironment(Func<string, string?>? read = null)
    {
        var env = new SettingsReader(read);
        var host = env.Required(HostSetting, "the SMTP relay's host name or IP address", name => Uri.CheckHostName(name) != UriHostNameType.Unknown);
        var security = env.OneOf(
            SecuritySetting, SmtpSecurity.StartTls, ("starttls", SmtpSecurity.StartTls), ("tls", SmtpSecurity.Tls), ("ssl", SmtpSecurity.Tls), ("none", SmtpSecurity.None));
        var defaultPort = security switch
        {
            SmtpSecurity.Tls => 465,
            SmtpSecurity.None => 25,
            _ => 587,
        };
        var port = env.WholeNumber(PortSetting, defaultPort, min: 1, max: 65535);
        var from = env.Required(FromSetting, "the sender address of OTP e-mails, such as no-reply@example.com", IsAddress);
        var username = env.Optional(UsernameSetting);
        var password = env.Secret(PasswordSetting);
        var parameter = env.Optional(PasswordParameterSetting, "an SSM parameter name such as /cleancqrs/smtp-password", ParameterName().IsMatch);
        if (!string.IsNullOrEmpty(password) && parameter is not null)
        {
            throw new SettingsException(PasswordSetting, $"and {PasswordParameterSetting} are both set; keep only the parameter (the password belongs in SSM)");
        }

        if (username is not null && string.IsNullOrEmpty(password) && parameter is null)
        {
            // A password set but empty is named as such; nothing set at all points to the parameter.
            throw password is null
                ? new SettingsException(PasswordParameterSetting, $"(or {PasswordSetting} for a local relay) is required when SMTP_USERNAME is set")
                : new SettingsException(PasswordSetting, "is empty; in AWS name an SSM SecureString in SMTP_PASSWORD_PARAMETER instead");
        }

        if (username is null && (!string.IsNullOrEmpty(password) || parameter is not null))
        {
            throw new SettingsException(UsernameSetting, $"is required when {(parameter is null ? PasswordSetting : PasswordParameterSetting)} is set");
        }

        return new SmtpSettings
        {
            Host = host,
            Port = port,
            Security = security,
            Username = username,
            Password = username is null || parameter is not null ? null : password,
            PasswordParameter = username is null ? null : parameter,
            From = from,
        };
    }

    // Settings get logged at start; the password must never be among them.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Host = {Host}, Port = {Port}, Security = {Security}, Username = {Username}, ");
        builder.Append(CultureInfo.InvariantCulture, $"Password = {(Password is null ? "(none)" : "***")}, PasswordParameter = {PasswordParameter ?? "(none)"}, From = {From}, Timeout = {Timeout}");
        return true;
    }

    // SSM's own rule: letters, digits and _.-/ ; a hierarchy starts with '/'; at most 2048 characters.
    [GeneratedRegex(@"^/?[A-Za-z0-9_.\-/]{1,2047}$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();

    private static bool IsAddress(string text) =>
        MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal);
}
