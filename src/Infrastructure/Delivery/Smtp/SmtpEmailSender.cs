using System.Globalization;
using CleanCqrs.Application.Common.Ports;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace CleanCqrs.Infrastructure.Delivery.Smtp;

/// <summary>
/// E-mails an OTP through an SMTP relay with MailKit. OTPs are rare enough that each is sent on its
/// own connection, which also keeps the sender free of shared connection state.
/// </summary>
/// <param name="password">Where the password comes from; <see cref="SmtpSettings.Password"/> when null.</param>
public sealed class SmtpEmailSender(SmtpSettings settings, ILogger<SmtpEmailSender> logger, ISmtpPasswordSource? password = null) : IOtpSender
{
    private readonly ISmtpPasswordSource _passwordSource = password ?? new ConfiguredSmtpPassword(settings.Password);

    public const string Subject = "Your CleanCqrs code";

    public async ValueTask SendAsync(OtpMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var email = Compose(message);

        using var smtp = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        await smtp.ConnectAsync(settings.Host, settings.Port, SocketOptions(settings.Security), cancellationToken);
        if (settings.Username is not null)
        {
            var secret = await _passwordSource.GetAsync(cancellationToken);
            await smtp.AuthenticateAsync(settings.Username, secret ?? string.Empty, cancellationToken);
        }

        var response = await smtp.SendAsync(email, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);

        // The code and the address stay out of the log; the OTP id is enough to trace a delivery.
        logger.LogInformation("OTP {OtpId} e-mail accepted by {Host}: {Response}", message.OtpId, settings.Host, response);
    }

    /// <summary>The e-mail for <paramref name="message"/>; plain text, the code on a line of its own.</summary>
    public MimeMessage Compose(OtpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var expires = message.ExpiresAt.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
        var email = new MimeMessage { Subject = Subject };
        email.From.Add(MailboxAddress.Parse(settings.From));
        email.To.Add(MailboxAddress.Parse(message.To));
        email.Body = new TextPart("plain")
        {
            Text = $"""
                Your CleanCqrs code is:

                {message.Code}

                It expires at {expires} UTC. If you did not ask for a code, you can ignore this e-mail.
                """,
        };
        return email;
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };
}
