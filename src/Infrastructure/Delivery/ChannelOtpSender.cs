using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Infrastructure.Delivery;

/// <summary>Hands each OTP to the sender of its channel: <c>sms</c> or <c>email</c>.</summary>
public sealed class ChannelOtpSender(IOtpSender sms, IOtpSender email) : IOtpSender
{
    public ValueTask SendAsync(OtpMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Channel switch
        {
            OtpChannels.Sms => sms.SendAsync(message, cancellationToken),
            OtpChannels.Email => email.SendAsync(message, cancellationToken),
            _ => throw new ArgumentException($"OTP {message.OtpId}: no sender for channel '{message.Channel}'.", nameof(message)),
        };
    }
}
