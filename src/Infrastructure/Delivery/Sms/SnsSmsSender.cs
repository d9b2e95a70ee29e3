using System.Globalization;
using System.Text.RegularExpressions;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Messaging.Sns;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Infrastructure.Delivery.Sms;

/// <summary>
/// Texts an OTP through SNS <c>Publish</c> with <c>PhoneNumber</c>, as a transactional SMS (sent on
/// routes meant for time-critical messages rather than the cheaper promotional ones).
/// </summary>
public sealed partial class SnsSmsSender(SnsClient client, ILogger<SnsSmsSender> logger) : IOtpSender
{
    public const string SmsTypeAttribute = "AWS.SNS.SMS.SMSType";

    public async ValueTask SendAsync(OtpMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!E164().IsMatch(message.To))
        {
            throw new ArgumentException($"OTP {message.OtpId}: the phone number is not in E.164 form (+ and 7 to 15 digits).", nameof(message));
        }

        var result = await client.PublishAsync(
            new SnsPublishRequest
            {
                PhoneNumber = message.To,
                Message = Text(message),
                Attributes = [new SnsMessageAttribute(SmsTypeAttribute, "Transactional")],
            },
            cancellationToken);

        // The code and the number stay out of the log; the OTP id is enough to trace a delivery.
        logger.LogInformation("OTP {OtpId} SMS accepted by SNS as {MessageId}", message.OtpId, result.MessageId);
    }

    /// <summary>The SMS text; short enough for one GSM-7 segment.</summary>
    public static string Text(OtpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var expires = message.ExpiresAt.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
        return $"Your CleanCqrs code is {message.Code}. It expires at {expires} UTC.";
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
